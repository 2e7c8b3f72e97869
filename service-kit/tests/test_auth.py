"""The token verifier on its own: which JWKS entries it trusts, which headers it refuses."""

import base64
import json
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from service_kit.auth import InvalidToken, TokenVerifier
from service_kit.testing import TokenMinter


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _verifier(minter: TokenMinter) -> TokenVerifier:
    verifier = TokenVerifier(
        jwks_url="http://127.0.0.1:9/unreachable",
        issuer=minter.issuer,
        audience=minter.audience,
        revocations=None,
        refetch_interval=3600,
    )
    verifier.set_keys(minter.jwks)
    return verifier


def test_minters_share_a_key_and_an_impostor_has_another():
    minter = TokenMinter()

    assert TokenMinter().private_key is minter.private_key
    assert minter.impostor().kid == minter.kid
    assert minter.impostor().jwks["keys"][0]["n"] != minter.jwks["keys"][0]["n"]
    assert TokenMinter(key="untrusted").jwks["keys"][0]["n"] != minter.jwks["keys"][0]["n"]


async def test_a_minted_token_is_verified():
    minter = TokenMinter()
    user = uuid.uuid4()

    principal = await _verifier(minter).verify(minter.token(user, role="admin"))

    assert principal.user_id == user
    assert principal.is_admin


async def test_only_rsa_signing_keys_of_the_jwks_are_trusted():
    minter = TokenMinter()
    rsa_jwk = minter.jwks["keys"][0]
    okp_jwk = {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": _b64(b"\x01" * 32),
        "kid": "old-eddsa-key",
        "use": "sig",
        "alg": "EdDSA",
    }
    encryption_jwk = {**TokenMinter(key="other").jwks["keys"][0], "kid": "enc", "use": "enc"}
    broken_jwk = {"kty": "RSA", "n": "", "e": "AQAB", "kid": "broken"}
    verifier = _verifier(minter)

    verifier.set_keys({"keys": [okp_jwk, encryption_jwk, broken_jwk, rsa_jwk]})

    assert list(verifier._keys) == [rsa_jwk["kid"]]
    await verifier.verify(minter.token())


def _token_with_header(header: object, minter: TokenMinter) -> str:
    _, payload, signature = minter.token().split(".")
    return f"{_b64(json.dumps(header).encode())}.{payload}.{signature}"


@pytest.mark.parametrize(
    "make_token",
    [
        lambda m: "",
        lambda m: "not-a-jwt",
        lambda m: "a.b",
        lambda m: m.token() + ".extra",
        lambda m: "!!!." + m.token().split(".", 1)[1],
        lambda m: "é." + m.token().split(".", 1)[1],
        lambda m: _b64(b"\xff\xfe") + "." + m.token().split(".", 1)[1],
        lambda m: _b64(b"{not json") + "." + m.token().split(".", 1)[1],
        lambda m: _b64(b"[" * 100_000) + "." + m.token().split(".", 1)[1],
        lambda m: _token_with_header(["RS256"], m),
        lambda m: _token_with_header({"alg": "RS256", "typ": "at+jwt"}, m),
        lambda m: _token_with_header({"alg": "RS256", "typ": "at+jwt", "kid": 1}, m),
        lambda m: _token_with_header({"alg": "RS256", "typ": "JWT", "kid": m.kid}, m),
        lambda m: _token_with_header({"alg": "RS512", "typ": "at+jwt", "kid": m.kid}, m),
        lambda m: _token_with_header({"alg": "none", "typ": "at+jwt", "kid": m.kid}, m),
        lambda m: jwt.encode(
            m.claims(),
            Ed25519PrivateKey.generate(),
            algorithm="EdDSA",
            headers={"kid": m.kid, "typ": "at+jwt"},
        ),
    ],
    ids=[
        "empty",
        "one-segment",
        "two-segments",
        "four-segments",
        "header-not-base64",
        "header-not-ascii",
        "header-not-utf8",
        "header-not-json",
        "header-nested-too-deep",
        "header-not-an-object",
        "no-kid",
        "kid-not-a-string",
        "wrong-typ",
        "rs512",
        "alg-none",
        "eddsa",
    ],
)
async def test_tokens_with_a_bad_header_are_refused(make_token):
    minter = TokenMinter()

    with pytest.raises(InvalidToken):
        await _verifier(minter).verify(make_token(minter))


async def test_a_header_changed_after_signing_is_refused():
    minter = TokenMinter()
    header = {"alg": "RS256", "typ": "at+jwt", "kid": minter.kid, "x": 1}

    with pytest.raises(InvalidToken):
        await _verifier(minter).verify(_token_with_header(header, minter))
