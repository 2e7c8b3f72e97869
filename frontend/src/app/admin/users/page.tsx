import type { Metadata } from "next";

import { ConfirmAction } from "@/components/admin/ConfirmAction";
import { Pager } from "@/components/admin/Pager";
import { EmptyState, ErrorPanel } from "@/components/States";
import { changeRole } from "@/lib/admin/actions";
import { requireAdmin } from "@/lib/admin/auth";
import { PAGE_SIZE, pageOf } from "@/lib/admin/catalog";
import { api } from "@/lib/api/client";
import type { components } from "@/lib/api/schema";

export const metadata: Metadata = { title: "Users" };

type UserPage = components["schemas"]["UserPage"];
const when = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" });

async function loadUsers(token: string, page: number): Promise<UserPage | null> {
  try {
    const { data } = await api(token).GET("/api/auth/users", {
      params: { query: { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE } },
    });
    return data ?? null;
  } catch {
    return null;
  }
}

export default async function UsersPage({ searchParams }: { searchParams: Promise<{ page?: string }> }) {
  const session = await requireAdmin("/admin/users");
  const page = pageOf((await searchParams).page);
  const users = await loadUsers(session.accessToken, page);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">Users</h1>
      {!users ? (
        <ErrorPanel title="Users are unavailable" message="The auth service is not answering right now. Please try again in a moment." />
      ) : users.items.length === 0 ? (
        <EmptyState title="No users yet" />
      ) : (
        <>
          <div className="card relative overflow-x-auto">
            <table className="w-full min-w-[40rem] text-left text-sm" data-testid="users-table">
              <thead className="bg-slate-50">
                <tr>
                  <th scope="col" className="px-3 py-2">Username</th>
                  <th scope="col" className="px-3 py-2">Email</th>
                  <th scope="col" className="px-3 py-2">Joined</th>
                  <th scope="col" className="px-3 py-2">Role</th>
                  <th scope="col" className="px-3 py-2"><span className="sr-only">Change role</span></th>
                </tr>
              </thead>
              <tbody>
                {users.items.map((u) => {
                  const self = u.id === session.claims.sub;
                  const to = u.role === "admin" ? "customer" : "admin";
                  return (
                    <tr key={u.id} className="border-t border-slate-100 align-top" data-testid="user-row">
                      <td className="px-3 py-2">{u.username}</td>
                      <td className="px-3 py-2">{u.email}</td>
                      <td className="px-3 py-2">{when.format(new Date(u.created_at))}</td>
                      <td className="px-3 py-2">{u.role === "admin" ? "Admin" : "Customer"}</td>
                      <td className="px-3 py-2 text-right">
                        {self ? (
                          <span className="text-xs text-slate-700">You</span>
                        ) : (
                          <ConfirmAction
                            label={to === "admin" ? "Make admin" : "Make customer"}
                            question={
                              to === "admin"
                                ? `Make ${u.username} an admin? They can then change products, stock, orders and roles.`
                                : `Make ${u.username} a customer? They lose access to the admin pages.`
                            }
                            confirmLabel="Yes, change the role"
                            danger={to === "admin"}
                            action={changeRole.bind(null, u.id, to)}
                          />
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <Pager path="/admin/users" params={{}} page={page} total={users.total} pageSize={PAGE_SIZE} />
        </>
      )}
    </div>
  );
}
