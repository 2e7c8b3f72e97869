"use client";

import Link from "next/link";
import { useActionState } from "react";

import { type FormState, login, signup } from "@/lib/actions/auth";

function FormError({ message }: { message?: string }) {
  if (!message) return null;
  return (
    <p id="form-error" role="alert" className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-900">
      {message}
    </p>
  );
}

export function LoginForm({ next }: { next: string }) {
  const [state, action, pending] = useActionState<FormState, FormData>(login, {});
  return (
    <form action={action} className="space-y-4" aria-describedby={state.error ? "form-error" : undefined}>
      <input type="hidden" name="next" value={next} />
      <FormError message={state.error} />
      <div>
        <label htmlFor="email" className="label">
          Email or username
        </label>
        <input id="email" name="email" type="text" autoComplete="username" required className="input" defaultValue={state.fields?.email} />
      </div>
      <div>
        <label htmlFor="password" className="label">
          Password
        </label>
        <input id="password" name="password" type="password" autoComplete="current-password" required className="input" />
      </div>
      <button type="submit" className="btn-primary w-full" disabled={pending}>
        {pending ? "Logging in…" : "Log in"}
      </button>
      <p className="text-center text-sm text-slate-800">
        New here?{" "}
        <Link href={`/signup?next=${encodeURIComponent(next)}`} className="link">
          Create an account
        </Link>
      </p>
    </form>
  );
}

export function SignupForm({ next }: { next: string }) {
  const [state, action, pending] = useActionState<FormState, FormData>(signup, {});
  return (
    <form action={action} className="space-y-4">
      <input type="hidden" name="next" value={next} />
      <FormError message={state.error} />
      <div>
        <label htmlFor="username" className="label">
          Username
        </label>
        <input id="username" name="username" autoComplete="username" required minLength={3} maxLength={32} className="input" defaultValue={state.fields?.username} />
      </div>
      <div>
        <label htmlFor="email" className="label">
          Email
        </label>
        <input id="email" name="email" type="email" autoComplete="email" required className="input" defaultValue={state.fields?.email} />
      </div>
      <div>
        <label htmlFor="password" className="label">
          Password
        </label>
        <input id="password" name="password" type="password" autoComplete="new-password" required minLength={8} aria-describedby="password-hint" className="input" />
        <p id="password-hint" className="mt-1 text-xs text-slate-700">
          At least 8 characters.
        </p>
      </div>
      <button type="submit" className="btn-primary w-full" disabled={pending}>
        {pending ? "Creating your account…" : "Create account"}
      </button>
      <p className="text-center text-sm text-slate-800">
        Already have an account?{" "}
        <Link href={`/login?next=${encodeURIComponent(next)}`} className="link">
          Log in
        </Link>
      </p>
    </form>
  );
}
