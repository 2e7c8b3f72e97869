import { Footer, Header } from "@/components/Header";
import { cartCount } from "@/lib/cart";
import { getSession } from "@/lib/session";

/** The shop's frame: header with the cart count and the account links, then the page. */
export default async function ShopLayout({ children }: { children: React.ReactNode }) {
  const session = await getSession();
  const count = await cartCount(session?.accessToken ?? null);
  return (
    <>
      <Header claims={session?.claims ?? null} cartCount={count} />
      <main id="main" className="mx-auto max-w-6xl px-4 py-6">
        {children}
      </main>
      <Footer />
    </>
  );
}
