/**
 * Managing staff accounts (SPEC §3.3 `staff …`, the console's /console/staff): one set of
 * semantics for the CLI and the supervisor's page. Every change ends the account's sessions
 * where it changes what the account may do, and writes the staff audit with its actor (`cli`,
 * or the supervisor's account).
 *
 *   add         a new account; the password given, or a generated one returned once
 *   disable     no more sign-ins; every session ends
 *   enable      sign-ins again
 *   role        a new role; every session ends (a new role may need TOTP enrolment)
 *   reset-totp  the authenticator is forgotten; the next sign-in enrols a new one
 *   sign-out    every session ends
 *
 * A signed-in supervisor cannot disable or demote their own account (no lock-out by mistake;
 * the CLI, on the server, can).
 */
import type { Deps } from '../deps.ts';
import type { StaffRole } from '../store/schema.ts';
import {
  deleteSessionsOf,
  type StaffAccountRow,
  type StaffActor,
  updateStaff,
  writeStaffAudit,
} from '../store/staff.ts';
import { createStaffAccount, generatePassword, isStaffRole, StaffAccountError } from './auth.ts';

export const STAFF_ACTIONS = ['disable', 'enable', 'role', 'reset-totp', 'sign-out'] as const;
export type StaffAction = (typeof STAFF_ACTIONS)[number];

export function isStaffAction(value: unknown): value is StaffAction {
  return STAFF_ACTIONS.includes(value as StaffAction);
}

type AdminDeps = Pick<Deps, 'store' | 'clock'>;

export interface AddedStaff {
  readonly account: StaffAccountRow;
  /** The generated password (shown once, never stored in clear); undefined when one was given. */
  readonly generatedPassword: string | undefined;
}

/** Creates an account; without `password` one is generated and returned once. */
export async function addStaff(
  deps: AdminDeps,
  input: {
    email: string;
    role: StaffRole;
    displayName?: string;
    lang?: string;
    password?: string;
    actor: StaffActor;
  },
): Promise<AddedStaff> {
  const generated = input.password === undefined ? generatePassword() : undefined;
  const account = await createStaffAccount(deps, {
    email: input.email,
    role: input.role,
    password: input.password ?? generated!,
    displayName: input.displayName,
    lang: input.lang,
    actor: input.actor,
  });
  return { account, generatedPassword: generated };
}

export interface StaffChange {
  /** What the account is now. */
  readonly action: StaffAction;
  /** Sessions that ended. */
  readonly sessionsEnded: number;
  /** `role`: the role before. */
  readonly from?: StaffRole;
  readonly to?: StaffRole;
}

/**
 * Applies one action to an account and audits it. Throws StaffAccountError (a locale key) for
 * a refused change: an unknown role, or a signed-in actor disabling or demoting themself.
 */
export async function changeStaff(
  deps: AdminDeps,
  account: StaffAccountRow,
  change: { action: StaffAction; role?: string },
  actor: StaffActor,
): Promise<StaffChange> {
  const { store } = deps;
  const now = deps.clock.now();
  const self = actor.id !== null && actor.id === account.id;
  const audit = (action: string, detail?: Record<string, unknown>) =>
    writeStaffAudit(store, {
      at: now,
      actor,
      action,
      target: `staff:${account.id}`,
      detail: detail ?? null,
    });
  // Sessions created before `sessionsValidAfter` are void even if a row survived a race.
  const endSessions = async (set: Parameters<typeof updateStaff>[2] = {}) => {
    await updateStaff(store, account.id, { ...set, sessionsValidAfter: now + 1 }, now);
    return deleteSessionsOf(store, account.id);
  };
  switch (change.action) {
    case 'disable': {
      if (self) throw new StaffAccountError('console.staff.errors.selfDisable');
      const ended = await endSessions({ disabledAt: now });
      await audit('staff.disable', { sessions: ended });
      return { action: 'disable', sessionsEnded: ended };
    }
    case 'enable':
      await updateStaff(store, account.id, { disabledAt: null }, now);
      await audit('staff.enable');
      return { action: 'enable', sessionsEnded: 0 };
    case 'role': {
      const role = change.role;
      if (!isStaffRole(role)) throw new StaffAccountError('console.staff.errors.badRole');
      if (self && role !== account.role) {
        throw new StaffAccountError('console.staff.errors.selfDemote');
      }
      const ended = await endSessions({ role });
      await audit('staff.role', { from: account.role, to: role });
      return { action: 'role', sessionsEnded: ended, from: account.role, to: role };
    }
    case 'reset-totp': {
      const ended = await endSessions({
        totpSecret: null,
        totpEnabledAt: null,
        totpLastStep: null,
      });
      await audit('totp.reset', { sessions: ended });
      return { action: 'reset-totp', sessionsEnded: ended };
    }
    case 'sign-out': {
      const ended = await endSessions();
      await audit('sessions.revoke_all', { sessions: ended });
      return { action: 'sign-out', sessionsEnded: ended };
    }
  }
}

export { StaffAccountError };
