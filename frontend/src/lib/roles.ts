// The roles of the API's route table, lowest first, and what each may do. The server enforces
// them on every route; the console only leaves out the controls a role could not use.

export const ROLES = ['viewer', 'operator', 'admin'] as const
export type Role = (typeof ROLES)[number]

/** viewer: read; operator: + add, import, submit to the workflow; admin: + delete. */
export type Action = 'read' | 'write' | 'delete'
const LEAST: Record<Action, Role> = { read: 'viewer', write: 'operator', delete: 'admin' }

/** The highest of the token's `cognito:groups` that is one of ours; null when none is. */
export function highestRole(groups: unknown): Role | null {
  const mine = Array.isArray(groups) ? groups : []
  return ROLES.findLast((r) => mine.includes(r)) ?? null
}

export const may = (role: Role | null, action: Action): boolean =>
  role !== null && ROLES.indexOf(role) >= ROLES.indexOf(LEAST[action])
