/**
 * The database schema (drizzle, SQLite dialect). One schema serves better-sqlite3 (Node) and D1
 * (Workers); drizzle-kit writes migrations to drizzle/, which both runtimes apply.
 */
import {
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core';
import { NOTIFICATION_CATEGORIES, type NotificationCategory } from '../notify/categories.ts';

/** A LINE user who has talked to or followed the bot. */
export const lineUsers = sqliteTable(
  'line_users',
  {
    userId: text('user_id').primaryKey(),
    /** The language the user picked in chat; wins over the profile language. */
    chosenLanguage: text('chosen_language'),
    /** `language` from the LINE profile, when it is one we speak. */
    profileLanguage: text('profile_language'),
    /** `active` while following; `inactive` after unfollow (no pushes). */
    status: text('status', { enum: ['active', 'inactive'] })
      .notNull()
      .default('active'),
    followedAt: integer('followed_at'),
    unfollowedAt: integer('unfollowed_at'),
    /** The user said "stop news" (หยุดรับข่าว); cleared when they restart. */
    newsOptOut: integer('news_opt_out', { mode: 'boolean' }).notNull().default(false),
    /** Staff took this chat over (operator console): the bot stays silent until then (ms). */
    botPausedUntil: integer('bot_paused_until'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('line_users_status_idx').on(t.status)],
);

export const WEBHOOK_EVENT_STATUSES = [
  'pending',
  'processing',
  'done',
  'failed',
  'skipped',
  'undeliverable',
] as const;
export type WebhookEventStatus = (typeof WEBHOOK_EVENT_STATUSES)[number];

/**
 * Every webhook event, recorded before the webhook answers 200. The primary key is LINE's
 * `webhookEventId`, so a redelivered or repeated event is recorded (and processed) once.
 */
export const webhookEvents = sqliteTable(
  'webhook_events',
  {
    webhookEventId: text('webhook_event_id').primaryKey(),
    type: text('type').notNull(),
    userId: text('user_id'),
    replyToken: text('reply_token'),
    /** LINE's event timestamp (ms since epoch). */
    eventTimestamp: integer('event_timestamp').notNull(),
    isRedelivery: integer('is_redelivery', { mode: 'boolean' }).notNull().default(false),
    /** The event object as LINE sent it (JSON). */
    payload: text('payload').notNull(),
    status: text('status', { enum: WEBHOOK_EVENT_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** Set just before a reply call: a crash after it leaves the outcome uncertain. */
    replyAttemptedAt: integer('reply_attempted_at'),
    /** How the answer went out: reply, push, or none. */
    delivery: text('delivery', { enum: ['reply', 'push', 'none'] }),
    error: text('error'),
    lineRequestId: text('line_request_id'),
    receivedAt: integer('received_at').notNull(),
    processedAt: integer('processed_at'),
    /**
     * For the console's statistics: the intent a text or postback was understood as (`unknown`
     * when the bot could not answer) and the language of the answer. Not personal data: kept
     * with the row after the text is erased.
     */
    intent: text('intent'),
    lang: text('lang'),
  },
  (t) => [index('webhook_events_status_idx').on(t.status, t.receivedAt)],
);

/** Key/value facts about the database itself (seed version, …). */
export const meta = sqliteTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

// ---------------------------------------------------------------------------------------------
// Insured persons and their SSO records (loaded from SSO extracts; demo data in development).
// Money is stored in satang (integer, 1 THB = 100) so sums are exact; dates are ISO strings
// (YYYY-MM-DD) and contribution periods YYYY-MM.

export const employers = sqliteTable(
  'employers',
  {
    /** SSO employer account number (10 digits). */
    id: text('id').primaryKey(),
    nameTh: text('name_th').notNull(),
    nameEn: text('name_en'),
    provinceCode: text('province_code'),
  },
  (t) => [index('employers_province_idx').on(t.provinceCode)],
);

export const insuredPersons = sqliteTable(
  'insured_persons',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    nationalId: text('national_id').notNull().unique(),
    titleTh: text('title_th'),
    firstNameTh: text('first_name_th').notNull(),
    lastNameTh: text('last_name_th').notNull(),
    firstNameEn: text('first_name_en'),
    lastNameEn: text('last_name_en'),
    birthDate: text('birth_date').notNull(),
    section: integer('section').notNull(),
    status: text('status', { enum: ['active', 'inactive', 'deceased'] })
      .notNull()
      .default('active'),
    employerId: text('employer_id').references(() => employers.id),
    section40Option: integer('section40_option'),
    coverageStart: text('coverage_start'),
    provinceCode: text('province_code'),
    /**
     * The laser code's hash, never the code: `pbkdf2-sha256-chain$<rounds>$<iterations>$<salt>$<key>`
     * (600,000 iterations per guess; src/store/laser-code.ts), or the older
     * `pbkdf2-sha256$<iterations>$<salt>$<key>`, upgraded at the next successful link.
     * `none` for people whose document has no laser code (pink card, passport): they link
     * with a one-time link code (`link_codes`) instead.
     */
    laserCodeHash: text('laser_code_hash').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('insured_persons_employer_idx').on(t.employerId)],
);

export const contributions = sqliteTable(
  'contributions',
  {
    personId: integer('person_id')
      .notNull()
      .references(() => insuredPersons.id, { onDelete: 'cascade' }),
    /** YYYY-MM */
    period: text('period').notNull(),
    /** The employer's account number for section 33, `self` for sections 39 and 40. */
    payerId: text('payer_id').notNull(),
    wage: integer('wage_satang').notNull(),
    employeeAmount: integer('employee_satang').notNull(),
    employerAmount: integer('employer_satang').notNull(),
    governmentAmount: integer('government_satang').notNull(),
    /** The part of the person's and employer's contributions credited to old-age savings. */
    oldAgeAmount: integer('old_age_satang').notNull(),
    /** YYYY-MM-DD; null while not yet paid. */
    paidDate: text('paid_date'),
  },
  (t) => [primaryKey({ columns: [t.personId, t.period, t.payerId] })],
);

export const hospitals = sqliteTable(
  'hospitals',
  {
    /** Ministry of Public Health hospital code (hcode) or the operator's own id. */
    id: text('id').primaryKey(),
    nameTh: text('name_th').notNull(),
    nameEn: text('name_en'),
    provinceCode: text('province_code').notNull(),
    addressTh: text('address_th'),
    phone: text('phone'),
    lat: real('lat'),
    lng: real('lng'),
    locationPrecision: text('location_precision', { enum: ['exact', 'province_seat_approx'] }),
    /** Generated demo rows are marked, so no reply can pass them off as real. */
    isDemo: integer('is_demo', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [
    index('hospitals_province_idx').on(t.provinceCode),
    index('hospitals_lat_lng_idx').on(t.lat, t.lng),
  ],
);

export const hospitalRegistrations = sqliteTable(
  'hospital_registrations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    personId: integer('person_id')
      .notNull()
      .references(() => insuredPersons.id, { onDelete: 'cascade' }),
    hospitalId: text('hospital_id')
      .notNull()
      .references(() => hospitals.id),
    validFrom: text('valid_from').notNull(),
    /** null = current registration. */
    validTo: text('valid_to'),
    reason: text('reason'),
  },
  (t) => [uniqueIndex('hospital_registrations_person_from_idx').on(t.personId, t.validFrom)],
);

export const CLAIM_STATUSES = [
  'filed',
  'under_review',
  'approved',
  'paying',
  'completed',
  'rejected',
] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];
export const CLAIM_CAUSES = ['laid_off', 'resigned', 'contract_ended', 'force_majeure'] as const;
export type ClaimCause = (typeof CLAIM_CAUSES)[number];

export const unemploymentClaims = sqliteTable(
  'unemployment_claims',
  {
    /** SSO claim number. */
    id: text('id').primaryKey(),
    personId: integer('person_id')
      .notNull()
      .references(() => insuredPersons.id, { onDelete: 'cascade' }),
    cause: text('cause', { enum: CLAIM_CAUSES }).notNull(),
    lastWorkDate: text('last_work_date').notNull(),
    filedDate: text('filed_date').notNull(),
    status: text('status', { enum: CLAIM_STATUSES }).notNull(),
    approvedDays: integer('approved_days'),
    dailyAmount: integer('daily_satang'),
    monthlyAmount: integer('monthly_satang'),
    rejectionReason: text('rejection_reason'),
    /** When an import last changed the row (ms; 0 = before this column): notifications. */
    updatedAt: integer('updated_at').notNull().default(0),
  },
  (t) => [
    index('unemployment_claims_person_idx').on(t.personId, t.filedDate),
    index('unemployment_claims_updated_idx').on(t.updatedAt),
  ],
);

export const claimStatusHistory = sqliteTable(
  'claim_status_history',
  {
    claimId: text('claim_id')
      .notNull()
      .references(() => unemploymentClaims.id, { onDelete: 'cascade' }),
    status: text('status', { enum: CLAIM_STATUSES }).notNull(),
    at: text('at').notNull(),
    note: text('note'),
  },
  (t) => [uniqueIndex('claim_status_history_idx').on(t.claimId, t.at, t.status)],
);

export const unemploymentPayments = sqliteTable(
  'unemployment_payments',
  {
    claimId: text('claim_id')
      .notNull()
      .references(() => unemploymentClaims.id, { onDelete: 'cascade' }),
    installment: integer('installment').notNull(),
    periodFrom: text('period_from').notNull(),
    periodTo: text('period_to').notNull(),
    amount: integer('amount_satang').notNull(),
    /** Planned payment date, or the date it was paid. */
    payDate: text('pay_date').notNull(),
    status: text('status', { enum: ['scheduled', 'paid', 'held'] }).notNull(),
    /** The monthly report (รายงานตัว) due for this installment. */
    reportDueDate: text('report_due_date'),
    reportedAt: text('reported_at'),
    /** When an import last changed the row (ms; 0 = before this column): notifications. */
    updatedAt: integer('updated_at').notNull().default(0),
  },
  (t) => [
    uniqueIndex('unemployment_payments_idx').on(t.claimId, t.installment),
    index('unemployment_payments_updated_idx').on(t.updatedAt),
  ],
);

// ---------------------------------------------------------------------------------------------
// Claims for the other benefits (C14; e-Claim). Unemployment keeps its own tables above.

/** The benefits claimed here; unemployment has `unemployment_claims`. */
export const BENEFITS = [
  'sickness',
  'maternity',
  'child_allowance',
  'invalidity',
  'death',
  'old_age',
] as const;
export type Benefit = (typeof BENEFITS)[number];

/**
 * A claim's life: received → reviewing (→ more_documents → reviewing) → approved or rejected;
 * approved → paying (installments: child allowance, invalidity, pension) or paid (one sum) →
 * closed.
 */
export const BENEFIT_CLAIM_STATUSES = [
  'received',
  'reviewing',
  'more_documents',
  'approved',
  'rejected',
  'paying',
  'paid',
  'closed',
] as const;
export type BenefitClaimStatus = (typeof BENEFIT_CLAIM_STATUSES)[number];

export const benefitClaims = sqliteTable(
  'benefit_claims',
  {
    /** SSO claim number. */
    id: text('id').primaryKey(),
    personId: integer('person_id')
      .notNull()
      .references(() => insuredPersons.id, { onDelete: 'cascade' }),
    benefit: text('benefit', { enum: BENEFITS }).notNull(),
    filedDate: text('filed_date').notNull(),
    status: text('status', { enum: BENEFIT_CLAIM_STATUSES }).notNull(),
    /** Date of the decision (approved or rejected). */
    decisionDate: text('decision_date'),
    /** Why it was rejected, or what documents are missing (operator's words, masked on import). */
    reason: text('reason'),
    /** Approved amount in satang: the whole sum, or one installment when `installments` is set. */
    approvedAmount: integer('approved_satang'),
    /** Installments approved (child allowance months, invalidity, pension); null = one sum. */
    installments: integer('installments'),
    /** When the row was last written by an import (ms): notifications compare it with consent. */
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    index('benefit_claims_person_idx').on(t.personId, t.filedDate),
    index('benefit_claims_updated_idx').on(t.updatedAt),
  ],
);

export const benefitClaimHistory = sqliteTable(
  'benefit_claim_history',
  {
    claimId: text('claim_id')
      .notNull()
      .references(() => benefitClaims.id, { onDelete: 'cascade' }),
    status: text('status', { enum: BENEFIT_CLAIM_STATUSES }).notNull(),
    at: text('at').notNull(),
    note: text('note'),
  },
  (t) => [uniqueIndex('benefit_claim_history_idx').on(t.claimId, t.at, t.status)],
);

export const benefitPayments = sqliteTable(
  'benefit_payments',
  {
    claimId: text('claim_id')
      .notNull()
      .references(() => benefitClaims.id, { onDelete: 'cascade' }),
    installment: integer('installment').notNull(),
    amount: integer('amount_satang').notNull(),
    /** Planned payment date, or the date it was paid. */
    payDate: text('pay_date').notNull(),
    status: text('status', { enum: ['scheduled', 'paid', 'held'] }).notNull(),
    /** When the row was last written by an import (ms). */
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('benefit_payments_idx').on(t.claimId, t.installment),
    index('benefit_payments_updated_idx').on(t.updatedAt),
  ],
);

// ---------------------------------------------------------------------------------------------
// Notifications (C14): opt-in per category, sent exactly once.

/** Highest value first (src/notify/categories.ts, shared with the NLU). */
export { NOTIFICATION_CATEGORIES, type NotificationCategory };

/** A LINE user's choice per category, with the consent it was given under. */
export const notificationPrefs = sqliteTable(
  'notification_prefs',
  {
    userId: text('user_id').notNull(),
    category: text('category', { enum: NOTIFICATION_CATEGORIES }).notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull(),
    /** When the user turned it on (ms), and the wording they agreed to (language + hash). */
    consentAt: integer('consent_at'),
    consentText: text('consent_text'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.category] }),
    index('notification_prefs_category_idx').on(t.category, t.enabled),
  ],
);

export const NOTIFICATION_STATUSES = ['pending', 'sent', 'skipped', 'failed'] as const;

/**
 * One notification decided for one user. `dedupe_key` (unique) says what it is about (e.g.
 * `claim_decided:SC-2026-1:approved`), so deciding twice inserts once; the push goes out with a
 * retry key derived from the id, so sending twice delivers once (LINE answers 409).
 */
export const notifications = sqliteTable(
  'notifications',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: text('user_id').notNull(),
    category: text('category', { enum: NOTIFICATION_CATEGORIES }).notNull(),
    dedupeKey: text('dedupe_key').notNull(),
    /** Not before this time (ms). */
    dueAt: integer('due_at').notNull(),
    /** JSON: what the message says (claim id, benefit, amount, date…), never a national ID. */
    params: text('params').notNull(),
    status: text('status', { enum: NOTIFICATION_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    lineRequestId: text('line_request_id'),
    createdAt: integer('created_at').notNull(),
    sentAt: integer('sent_at'),
  },
  (t) => [
    uniqueIndex('notifications_dedupe_idx').on(t.dedupeKey),
    index('notifications_status_due_idx').on(t.status, t.dueAt),
    index('notifications_user_idx').on(t.userId),
  ],
);

// ---------------------------------------------------------------------------------------------
// Account linking and privacy.

/** A LINE user bound to an insured person through LINE's account-link flow. */
export const accountLinks = sqliteTable(
  'account_links',
  {
    userId: text('user_id').primaryKey(),
    personId: integer('person_id')
      .notNull()
      .references(() => insuredPersons.id, { onDelete: 'cascade' }),
    linkedAt: integer('linked_at').notNull(),
  },
  (t) => [index('account_links_person_idx').on(t.personId)],
);

/**
 * Link tokens the bot obtained from LINE (`POST /v2/bot/user/{userId}/linkToken`) for a LINE
 * user, stored hashed. The link page accepts no other token (SPEC §3.2); LINE's token lives
 * 10 minutes and is single use, so ours expires with it and is marked used once a nonce is
 * issued for it.
 */
export const linkTokens = sqliteTable(
  'link_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: text('user_id').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    usedAt: integer('used_at'),
  },
  (t) => [
    index('link_tokens_user_idx').on(t.userId),
    index('link_tokens_expires_idx').on(t.expiresAt),
  ],
);

/**
 * Nonces handed to LINE's accountLink redirect; single use, short-lived. Stored hashed, and
 * bound to the LINE user the link token was issued to: an `accountLink` event from anyone else
 * binds nothing.
 */
export const linkNonces = sqliteTable('link_nonces', {
  nonceHash: text('nonce_hash').primaryKey(),
  personId: integer('person_id')
    .notNull()
    .references(() => insuredPersons.id, { onDelete: 'cascade' }),
  /** The LINE user the nonce was made for (null only on rows from before this column). */
  userId: text('user_id'),
  createdAt: integer('created_at').notNull(),
  expiresAt: integer('expires_at').notNull(),
  usedAt: integer('used_at'),
});

/**
 * Documents other than the Thai ID card that an insured person can link with (migrant
 * workers): a passport (number + issuing country). The pink card's 13-digit number (starting
 * 00) is the person's `national_id` itself. Numbers are stored normalised (upper case, no
 * spaces or dashes).
 */
export const identityDocuments = sqliteTable(
  'identity_documents',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    personId: integer('person_id')
      .notNull()
      .references(() => insuredPersons.id, { onDelete: 'cascade' }),
    type: text('type', { enum: ['passport'] }).notNull(),
    number: text('number').notNull(),
    /** ISO 3166-1 alpha-3 of the issuing country (MMR, KHM, LAO, …). */
    country: text('country').notNull(),
    /** Work permit number, when known (not a secret: printed on the permit). */
    workPermitNumber: text('work_permit_number'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('identity_documents_number_idx').on(t.type, t.country, t.number),
    index('identity_documents_person_idx').on(t.personId),
  ],
);

/**
 * One-time link codes for documents without a laser code (pink card, passport): issued by SSO
 * staff after checking the document in person, 10 characters (50 bits, more than a laser
 * code's ~43), stored hashed like laser codes, single use, expiring. A new code replaces the
 * person's unused one.
 */
export const linkCodes = sqliteTable(
  'link_codes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    personId: integer('person_id')
      .notNull()
      .references(() => insuredPersons.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    issuedBy: text('issued_by').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    usedAt: integer('used_at'),
  },
  (t) => [index('link_codes_person_idx').on(t.personId, t.expiresAt)],
);

/** Failed verification attempts, keyed by a hash of the link token or of the national ID. */
export const linkFailures = sqliteTable(
  'link_failures',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    key: text('key').notNull(),
    at: integer('at').notNull(),
  },
  (t) => [index('link_failures_key_at_idx').on(t.key, t.at)],
);

/**
 * Every personal-data read: who (a pseudonym of the LINE user), whose record, what, why, when.
 * The pseudonym is an HMAC of the LINE user id, so the trail survives an unlink without
 * keeping the LINE identity.
 */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    actor: text('actor').notNull(),
    personId: integer('person_id'),
    action: text('action').notNull(),
    purpose: text('purpose').notNull(),
  },
  (t) => [index('audit_log_person_idx').on(t.personId, t.at)],
);

// ---------------------------------------------------------------------------------------------
// SSO offices (C6): the skeleton in data/offices plus what operators import.

export const offices = sqliteTable(
  'offices',
  {
    /** `sso-hq`, `sso-bkk-<n>`, `sso-p<province code>`, or an operator's id for branches. */
    id: text('id').primaryKey(),
    kind: text('kind', {
      enum: ['headquarters', 'bangkok_area', 'provincial', 'branch'],
    }).notNull(),
    nameTh: text('name_th').notNull(),
    nameEn: text('name_en'),
    provinceCode: text('province_code').notNull(),
    areaNo: integer('area_no'),
    addressTh: text('address_th'),
    addressEn: text('address_en'),
    phone: text('phone'),
    /** Weekly opening hours as JSON, e.g. {"mon":[["08:30","16:30"]],…}; null = unknown. */
    hours: text('hours'),
    lat: real('lat'),
    lng: real('lng'),
    locationPrecision: text('location_precision', { enum: ['exact', 'province_seat_approx'] }),
    /** Where the facts come from (a news article, the skeleton, an operator import). */
    source: text('source'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    index('offices_lat_lng_idx').on(t.lat, t.lng),
    index('offices_province_idx').on(t.provinceCode),
    index('offices_area_idx').on(t.areaNo),
  ],
);

// ---------------------------------------------------------------------------------------------
// News and push jobs (C7).

export const newsItems = sqliteTable(
  'news_items',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    title: text('title').notNull(),
    summary: text('summary').notNull(),
    body: text('body').notNull(),
    imageUrl: text('image_url'),
    sourceUrl: text('source_url'),
    /** YYYY-MM-DD */
    publishedDate: text('published_date').notNull(),
    topic: text('topic').notNull().default('general'),
    /** JSON arrays; empty = everyone. */
    targetSections: text('target_sections').notNull().default('[]'),
    targetProvinces: text('target_provinces').notNull().default('[]'),
    languages: text('languages').notNull().default('["th"]'),
    status: text('status', { enum: ['draft', 'published'] })
      .notNull()
      .default('published'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    index('news_items_published_idx').on(t.status, t.publishedDate),
    uniqueIndex('news_items_source_url_idx').on(t.sourceUrl),
  ],
);

export const pushJobs = sqliteTable(
  'push_jobs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    newsId: integer('news_id')
      .notNull()
      .references(() => newsItems.id),
    kind: text('kind', { enum: ['broadcast', 'multicast'] }).notNull(),
    /** The segment as JSON ({sections, provinces, languages, linked}); null for broadcast. */
    segment: text('segment'),
    status: text('status', {
      enum: ['scheduled', 'pending', 'running', 'paused', 'done', 'failed', 'cancelled'],
    })
      .notNull()
      .default('pending'),
    /** `scheduled` jobs start at this time (ms); null = at once. */
    scheduledAt: integer('scheduled_at'),
    /** The staff account that created it (operator console); null = admin API or CLI. */
    createdBy: integer('created_by'),
    totalRecipients: integer('total_recipients').notNull().default(0),
    sentRecipients: integer('sent_recipients').notNull().default(0),
    batchesTotal: integer('batches_total').notNull().default(0),
    batchesDone: integer('batches_done').notNull().default(0),
    error: text('error'),
    createdAt: integer('created_at').notNull(),
    startedAt: integer('started_at'),
    finishedAt: integer('finished_at'),
  },
  (t) => [index('push_jobs_status_idx').on(t.status, t.createdAt)],
);

/**
 * One LINE call of a job (≤ 500 recipients for multicast). The retry key is written before the
 * first attempt, so a job resumed after a crash repeats the call with the same key and LINE
 * answers 409 instead of delivering twice.
 */
export const pushBatches = sqliteTable(
  'push_batches',
  {
    jobId: integer('job_id')
      .notNull()
      .references(() => pushJobs.id, { onDelete: 'cascade' }),
    batchNo: integer('batch_no').notNull(),
    retryKey: text('retry_key').notNull(),
    /** JSON array of LINE user ids (empty for broadcast). */
    recipients: text('recipients').notNull(),
    recipientCount: integer('recipient_count').notNull(),
    status: text('status', { enum: ['pending', 'sent', 'failed'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at'),
    acceptedRequestId: text('accepted_request_id'),
    lastError: text('last_error'),
    sentAt: integer('sent_at'),
  },
  (t) => [
    primaryKey({ columns: [t.jobId, t.batchNo] }),
    index('push_batches_status_idx').on(t.jobId, t.status),
  ],
);

// ---------------------------------------------------------------------------------------------
// Handover to staff (C12).

/** A chat flagged for staff follow-up by `talk_to_staff`; listed in the admin API. */
export const staffFlags = sqliteTable(
  'staff_flags',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: text('user_id').notNull(),
    /** What the user wrote when asking for a person (national IDs masked). */
    note: text('note'),
    lang: text('lang').notNull(),
    status: text('status', { enum: ['open', 'closed'] })
      .notNull()
      .default('open'),
    createdAt: integer('created_at').notNull(),
    closedAt: integer('closed_at'),
    /** The staff account that closed it, and its closing note (masked). */
    closedBy: integer('closed_by'),
    closeNote: text('close_note'),
    /** The last message in either direction (ms), for the inbox order. */
    lastMessageAt: integer('last_message_at'),
  },
  (t) => [
    index('staff_flags_status_idx').on(t.status, t.createdAt),
    // Every private message asks whether its person has an open flag (the inbox's thread).
    index('staff_flags_user_idx').on(t.userId, t.status),
  ],
);

// ---------------------------------------------------------------------------------------------
// Questions the bot could not answer (C13), kept 90 days for the operators.

/** One unanswered question: masked text, language, the closest intents. */
export const unansweredQuestions = sqliteTable(
  'unanswered_questions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    lang: text('lang').notNull(),
    /** The text with IDs, laser codes, dates and phone numbers masked; at most 500 characters. */
    text: text('text').notNull(),
    /** The closest intent (the topic it is counted under), or null when none was close. */
    topic: text('topic'),
    /** JSON array of the closest intents, best first. */
    alternatives: text('alternatives').notNull(),
    confidence: real('confidence').notNull(),
    /** Set when an operator marks it handled. */
    handledAt: integer('handled_at'),
  },
  (t) => [
    index('unanswered_questions_at_idx').on(t.at),
    index('unanswered_questions_topic_idx').on(t.topic, t.at),
  ],
);

/**
 * The conversation of a flagged chat, as the operator console's inbox shows it: what the user
 * wrote while the flag was open (masked), the bot's and the staff's answers. Kept with its flag.
 */
export const staffFlagMessages = sqliteTable(
  'staff_flag_messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    flagId: integer('flag_id')
      .notNull()
      .references(() => staffFlags.id, { onDelete: 'cascade' }),
    at: integer('at').notNull(),
    direction: text('direction', { enum: ['user', 'bot', 'staff'] }).notNull(),
    /** The staff account that wrote it (direction `staff`). */
    staffId: integer('staff_id'),
    /** Masked (national IDs, laser codes, dates, phone numbers); at most 2,000 characters. */
    text: text('text').notNull(),
    /** Staff replies: the X-Line-Retry-Key of the push, and whether LINE accepted it. */
    retryKey: text('retry_key'),
    status: text('status', { enum: ['pending', 'sent', 'failed'] }),
  },
  (t) => [index('staff_flag_messages_flag_idx').on(t.flagId, t.at)],
);

// ---------------------------------------------------------------------------------------------
// The operator console (C15): staff accounts, their sessions, and the audit trail of staff actions.

export const STAFF_ROLES = ['viewer', 'editor', 'publisher', 'supervisor'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export const staffAccounts = sqliteTable(
  'staff_accounts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Lower case. */
    email: text('email').notNull(),
    displayName: text('display_name').notNull(),
    role: text('role', { enum: STAFF_ROLES }).notNull(),
    /** PBKDF2-SHA-256, 600,000 iterations (src/store/laser-code.ts `hashSecret`). */
    passwordHash: text('password_hash').notNull(),
    /** The TOTP secret, AES-GCM encrypted under a key derived from SESSION_SECRET; null = none. */
    totpSecret: text('totp_secret'),
    totpEnabledAt: integer('totp_enabled_at'),
    /** The last TOTP time step accepted (a code is never accepted twice). */
    totpLastStep: integer('totp_last_step'),
    /** The console language (th, en). */
    lang: text('lang').notNull().default('th'),
    /** Sessions created before this are void ("sign out everywhere", password change, disable). */
    sessionsValidAfter: integer('sessions_valid_after').notNull().default(0),
    disabledAt: integer('disabled_at'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('staff_accounts_email_idx').on(t.email)],
);

/** A signed-in browser. The cookie carries the id and an HMAC of it; the row can be revoked. */
export const staffSessions = sqliteTable(
  'staff_sessions',
  {
    /** SHA-256 of the random session id (the cookie holds the id itself). */
    idHash: text('id_hash').primaryKey(),
    staffId: integer('staff_id')
      .notNull()
      .references(() => staffAccounts.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
    lastSeenAt: integer('last_seen_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    /** False until a role that needs a second factor has given one (TOTP enrolment pending). */
    mfaDone: integer('mfa_done', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [
    index('staff_sessions_staff_idx').on(t.staffId),
    index('staff_sessions_expires_idx').on(t.expiresAt),
  ],
);

/** Every staff action: who, what, on what, when (kept 2 years, like the personal-data audit). */
export const staffAudit = sqliteTable(
  'staff_audit',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    /** null for the CLI and the admin API (actor says which). */
    staffId: integer('staff_id'),
    /** The account's e-mail at the time, or `cli`, `admin-api`. */
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    /** What it was done to, e.g. `news:12`, `push_job:4`, `staff:3`, `flag:9`. */
    target: text('target'),
    /** Short JSON with the details (never a national ID: masked). */
    detail: text('detail'),
  },
  (t) => [index('staff_audit_at_idx').on(t.at), index('staff_audit_staff_idx').on(t.staffId, t.at)],
);

// ---------------------------------------------------------------------------------------------
// Imports in progress (src/store/imports.ts).

/**
 * The validated rows of an import on their way into their table, invisible to the app: the
 * importer writes them here in chunks (each a JSON array of rows, each row an array of values in
 * the import's column order), then ONE atomic batch moves every chunk of the import into its
 * table and deletes them. An import that fails or dies before that leaves its table untouched;
 * its rows here are deleted by the importer, or else by retention (src/retention.ts).
 */
export const importStaging = sqliteTable(
  'import_staging',
  {
    /** One import (a random UUID). */
    importId: text('import_id').notNull(),
    /** The chunk's position in the file: rows are moved in this order. */
    seq: integer('seq').notNull(),
    /** The table the rows go to. */
    tableName: text('table_name').notNull(),
    /** JSON: an array of rows, each an array of column values. */
    rows: text('rows').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.importId, t.seq] }),
    index('import_staging_created_idx').on(t.createdAt),
  ],
);
