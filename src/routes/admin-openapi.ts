/**
 * The admin API's OpenAPI 3 document, written by hand next to src/routes/admin.ts and served at
 * /admin/openapi.json. test/news/admin.test.ts checks that every admin route is documented.
 */

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown) => ({ 'application/json': { schema } });

/** `status`, `limit` and `offset`: the query of every admin list. */
const listParams = (statuses: string[]) => [
  { name: 'status', in: 'query', schema: { type: 'string', enum: statuses } },
  {
    name: 'limit',
    in: 'query',
    schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
  },
  { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
];
const error = (description: string) => ({ description, content: json(ref('Error')) });
const idParam = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'integer', minimum: 1 },
};
const common = {
  '400': error('The body or a parameter is invalid (every problem is listed in `errors`)'),
  '401': error('No valid admin bearer token'),
};

const newsProperties = {
  title: { type: 'string', minLength: 1, maxLength: 300 },
  summary: {
    type: 'string',
    maxLength: 1000,
    description: 'Shown in the card; when empty, the first 200 characters of the body.',
  },
  body: { type: 'string', minLength: 1, maxLength: 20000 },
  imageUrl: { type: 'string', format: 'uri', nullable: true, description: 'https only (LINE)' },
  sourceUrl: {
    type: 'string',
    format: 'uri',
    nullable: true,
    description: 'The "read more" link; unique among news items.',
  },
  publishedDate: { type: 'string', format: 'date', example: '2022-06-18' },
  topic: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*$', maxLength: 40, default: 'general' },
  targetSections: {
    type: 'array',
    items: { type: 'integer', enum: [33, 39, 40] },
    description: 'Empty: every section.',
  },
  targetProvinces: {
    type: 'array',
    items: { type: 'string', pattern: '^[1-9][0-9]$' },
    description: 'Province codes (10 Bangkok, 50 Chiang Mai…). Empty: everywhere.',
  },
  languages: {
    type: 'array',
    minItems: 1,
    items: { type: 'string', enum: ['th', 'en', 'my', 'km', 'lo'] },
    default: ['th'],
  },
  status: { type: 'string', enum: ['draft', 'published'], default: 'published' },
};

export const ADMIN_OPENAPI = {
  openapi: '3.0.3',
  info: {
    title: 'SSO LINE assistant — admin API',
    version: '1.0.0',
    description:
      'News items, push jobs and chats flagged for staff follow-up. Send `Authorization: Bearer <ADMIN_TOKEN>`. The API answers 404 everywhere when ADMIN_TOKEN is not configured. See docs/news.md.',
  },
  servers: [{ url: '/' }],
  security: [{ bearer: [] }],
  paths: {
    '/admin/openapi.json': {
      get: {
        summary: 'This document',
        security: [],
        responses: {
          '200': { description: 'OpenAPI 3 document', content: json({ type: 'object' }) },
        },
      },
    },
    '/admin/news': {
      get: {
        summary: 'List news items, newest published date first',
        parameters: listParams(['draft', 'published']),
        responses: {
          '200': {
            description: 'News items',
            content: json({
              type: 'object',
              properties: { items: { type: 'array', items: ref('NewsItem') } },
            }),
          },
          ...common,
        },
      },
      post: {
        summary: 'Create a news item',
        requestBody: { required: true, content: json(ref('NewsCreate')) },
        responses: {
          '201': { description: 'Created', content: json(ref('NewsItem')) },
          ...common,
        },
      },
    },
    '/admin/news/{id}': {
      get: {
        summary: 'One news item',
        parameters: [idParam],
        responses: {
          '200': { description: 'The item', content: json(ref('NewsItem')) },
          '401': common['401'],
          '404': error('No such news item'),
        },
      },
      patch: {
        summary: 'Update fields of a news item',
        parameters: [idParam],
        requestBody: { required: true, content: json(ref('NewsUpdate')) },
        responses: {
          '200': { description: 'The updated item', content: json(ref('NewsItem')) },
          ...common,
          '404': error('No such news item'),
        },
      },
    },
    '/admin/push-jobs': {
      get: {
        summary: 'The latest 50 push jobs with their progress',
        responses: {
          '200': {
            description: 'Jobs',
            content: json({
              type: 'object',
              properties: { jobs: { type: 'array', items: ref('JobProgress') } },
            }),
          },
          '401': common['401'],
        },
      },
      post: {
        summary: 'Push a published news item: broadcast to all followers or multicast to a segment',
        description:
          'The job runs in the background (Node: the in-process worker, within a second; Workers: the cron, within a minute). A broadcast is sent as a multicast to every active follower when some followers stopped news (LINE broadcast cannot leave them out); `note` says so. At most 60 broadcasts per hour (429 with Retry-After).',
        requestBody: { required: true, content: json(ref('JobCreate')) },
        responses: {
          '201': { description: 'Created', content: json(ref('JobProgress')) },
          ...common,
          '404': error('No such news item'),
          '409': error('The news item is a draft'),
          '429': error('60 broadcasts were created in the last hour'),
        },
      },
    },
    '/admin/push-jobs/{id}': {
      get: {
        summary: "A push job's progress",
        parameters: [idParam],
        responses: {
          '200': { description: 'Progress', content: json(ref('JobProgress')) },
          '401': common['401'],
          '404': error('No such push job'),
        },
      },
    },
    '/admin/push-jobs/{id}/cancel': {
      post: {
        summary:
          'Cancel a scheduled, pending, running or paused job (batches already accepted by LINE stay delivered)',
        parameters: [idParam],
        responses: {
          '200': { description: 'Cancelled', content: json(ref('JobProgress')) },
          '401': common['401'],
          '404': error('No such push job'),
          '409': error('The job has already finished'),
        },
      },
    },
    '/admin/staff-flags': {
      get: {
        summary: 'Chats flagged for staff follow-up (talk_to_staff), newest first',
        description:
          'One open flag per LINE user per 24 hours. `note` is what the user wrote, national IDs masked; it is erased when the user unlinks. Follow up by pushing to `userId` or by the user calling back.',
        parameters: listParams(['open', 'closed']),
        responses: {
          '200': {
            description: 'Flags',
            content: json({
              type: 'object',
              properties: { items: { type: 'array', items: ref('StaffFlag') } },
            }),
          },
          ...common,
        },
      },
    },
    '/admin/staff-flags/{id}/close': {
      post: {
        summary: 'Close a flag once staff have followed up',
        parameters: [idParam],
        responses: {
          '200': { description: 'Closed', content: json(ref('StaffFlag')) },
          '401': common['401'],
          '404': error('No such staff flag'),
          '409': error('The flag is already closed'),
        },
      },
    },
    '/admin/unanswered': {
      get: {
        summary: 'Questions the bot could not answer, counted by closest intent, newest first',
        description:
          'Kept 90 days. `text` has national IDs, laser codes, dates and phone numbers masked. `counts` covers every question since `days` ago; `items` only open ones unless `status=all`.',
        parameters: [
          {
            name: 'days',
            in: 'query',
            schema: { type: 'integer', minimum: 1, maximum: 90, default: 7 },
          },
          ...listParams(['open', 'all']),
        ],
        responses: {
          '200': {
            description: 'Counts and questions',
            content: json({
              type: 'object',
              properties: {
                since: { type: 'integer', description: 'ms since epoch' },
                counts: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: {
                      topic: { type: 'string', nullable: true },
                      count: { type: 'integer' },
                    },
                  },
                },
                items: { type: 'array', items: ref('Unanswered') },
              },
            }),
          },
          ...common,
        },
      },
    },
    '/admin/unanswered/{id}/handled': {
      post: {
        summary: 'Mark an unanswered question as handled (e.g. an example or an answer was added)',
        parameters: [idParam],
        responses: {
          '200': { description: 'Handled' },
          '401': common['401'],
          '404': error('No such open question'),
        },
      },
    },
    '/admin/link-codes': {
      post: {
        summary: 'Issue a one-time link code to a pink-card or passport holder',
        description:
          'For insured persons whose document has no laser code. Staff check the pink card, or the passport and work permit, in person first. The code (10 characters, shown once, stored hashed) works once, within 30 days, on the /link page with the document number and birth date; a new code replaces an unused one. Audited.',
        requestBody: {
          required: true,
          content: json({
            type: 'object',
            required: ['issuedBy'],
            properties: {
              nationalId: {
                type: 'string',
                description: 'Pink card number: 13 digits starting 00',
              },
              passport: {
                type: 'object',
                required: ['country', 'number'],
                properties: {
                  country: { type: 'string', enum: ['MMR', 'KHM', 'LAO', 'VNM'] },
                  number: { type: 'string', minLength: 6, maxLength: 12 },
                },
              },
              issuedBy: {
                type: 'string',
                description: 'Staff member and office, for the audit trail',
              },
            },
          }),
        },
        responses: {
          '201': {
            description: 'Issued',
            content: json({
              type: 'object',
              properties: {
                code: { type: 'string', example: 'ACDEF-GHJKM' },
                expiresAt: { type: 'string', format: 'date-time' },
                nationalId: { type: 'string', description: 'masked' },
              },
            }),
          },
          ...common,
          '404': error('No insured person has this document'),
        },
      },
    },
  },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    schemas: {
      Error: {
        type: 'object',
        required: ['message'],
        properties: {
          message: { type: 'string' },
          errors: {
            type: 'array',
            items: {
              type: 'object',
              properties: { path: { type: 'string' }, message: { type: 'string' } },
            },
          },
        },
      },
      NewsCreate: {
        type: 'object',
        additionalProperties: false,
        required: ['title', 'body', 'publishedDate'],
        properties: newsProperties,
      },
      NewsUpdate: {
        type: 'object',
        additionalProperties: false,
        minProperties: 1,
        properties: newsProperties,
      },
      NewsItem: {
        type: 'object',
        properties: {
          id: { type: 'integer' },
          ...newsProperties,
          createdAt: { type: 'integer', description: 'ms since epoch' },
          updatedAt: { type: 'integer', description: 'ms since epoch' },
        },
      },
      Segment: {
        type: 'object',
        additionalProperties: false,
        description:
          'Every field narrows the audience; {} = every active follower who did not stop news.',
        properties: {
          sections: { type: 'array', minItems: 1, items: { type: 'integer', enum: [33, 39, 40] } },
          provinces: {
            type: 'array',
            minItems: 1,
            items: { type: 'string', pattern: '^[1-9][0-9]$' },
          },
          languages: {
            type: 'array',
            minItems: 1,
            items: { type: 'string', enum: ['th', 'en', 'my', 'km', 'lo'] },
            description:
              "The user's chat language (chosen, else LINE profile, else th). One language also picks the card's language.",
          },
          linked: {
            type: 'boolean',
            description: 'Only users linked (true) / not linked (false) to an SSO record.',
          },
        },
      },
      JobCreate: {
        type: 'object',
        additionalProperties: false,
        required: ['newsId', 'kind'],
        properties: {
          newsId: { type: 'integer', minimum: 1 },
          kind: { type: 'string', enum: ['broadcast', 'multicast'] },
          segment: ref('Segment'),
        },
      },
      Unanswered: {
        type: 'object',
        properties: {
          id: { type: 'integer' },
          at: { type: 'integer', description: 'ms since epoch' },
          lang: { type: 'string', enum: ['th', 'en', 'my', 'km', 'lo'] },
          text: { type: 'string', description: 'What the user wrote, personal data masked' },
          topic: { type: 'string', nullable: true, description: 'The closest intent' },
          alternatives: { type: 'array', items: { type: 'string' } },
          confidence: { type: 'number' },
          handledAt: { type: 'integer', nullable: true },
        },
      },
      StaffFlag: {
        type: 'object',
        properties: {
          id: { type: 'integer' },
          userId: { type: 'string', description: 'The LINE user id to follow up with' },
          note: {
            type: 'string',
            nullable: true,
            description: 'What the user wrote (national IDs masked); null after unlink',
          },
          lang: { type: 'string', enum: ['th', 'en', 'my', 'km', 'lo'] },
          status: { type: 'string', enum: ['open', 'closed'] },
          createdAt: { type: 'integer', description: 'ms since epoch' },
          closedAt: { type: 'integer', nullable: true, description: 'ms since epoch' },
        },
      },
      JobProgress: {
        type: 'object',
        properties: {
          id: { type: 'integer' },
          newsId: { type: 'integer' },
          kind: { type: 'string', enum: ['broadcast', 'multicast'] },
          segment: { ...ref('Segment'), nullable: true },
          status: {
            type: 'string',
            enum: ['scheduled', 'pending', 'running', 'paused', 'done', 'failed', 'cancelled'],
            description:
              '`scheduled` (from the operator console) starts at its time; `paused` waits for an operator to resume it',
          },
          snapshotComplete: { type: 'boolean' },
          totalRecipients: { type: 'integer', description: '0 for a broadcast (LINE counts them)' },
          sentRecipients: { type: 'integer' },
          failedRecipients: { type: 'integer' },
          batchesTotal: { type: 'integer' },
          batchesSent: { type: 'integer' },
          batchesFailed: { type: 'integer' },
          batchesPending: { type: 'integer' },
          error: { type: 'string', nullable: true },
          note: { type: 'string' },
          createdAt: { type: 'integer' },
          startedAt: { type: 'integer', nullable: true },
          finishedAt: { type: 'integer', nullable: true },
        },
      },
    },
  },
} as const;

// --- Dead letters (src/store/dead-letters.ts) ---------------------------------------------------

const deadLetterId = {
  name: 'id',
  in: 'path',
  required: true,
  description: "The event's webhookEventId (LINE's)",
  schema: { type: 'string', pattern: '^[0-9A-Za-z_-]{1,100}$' },
};

Object.assign(ADMIN_OPENAPI.paths, {
  '/admin/dead-letters': {
    get: {
      summary: 'Webhook events whose retries ran out, most recent first',
      description:
        "On Cloudflare Workers, an event whose processing kept failing with a retryable error (LINE 429/5xx or no answer, a busy D1) through every retry of the events queue goes to its dead-letter queue and is listed here, with the last error. The event's content and user are not shown. Node deployments retry in process and have none.",
      // `limit` and `offset` of the admin lists (there is no status to filter on).
      parameters: listParams([]).filter((p) => p.name !== 'status'),
      responses: {
        '200': {
          description: 'Dead letters',
          content: json({
            type: 'object',
            properties: { items: { type: 'array', items: ref('DeadLetter') } },
          }),
        },
        ...common,
      },
    },
  },
  '/admin/dead-letters/{id}/replay': {
    post: {
      summary: 'Process a dead letter again',
      description:
        'Puts the event back to pending and hands it to processing (the events queue on Workers). It is answered at most once: a reply that may already have reached the user is not sent again, and a push repeats its retry key (LINE keeps those 24 hours).',
      parameters: [deadLetterId],
      responses: {
        '202': {
          description: 'Handed to processing',
          content: json({
            type: 'object',
            properties: {
              webhookEventId: { type: 'string' },
              status: {
                type: 'string',
                enum: ['pending', 'processing', 'done', 'failed', 'skipped', 'undeliverable'],
                description: "The event's status once handed over (Node processes it first)",
              },
            },
          }),
        },
        '401': common['401'],
        '404': error('No such dead letter'),
        '409': error('Retention has erased the event: it can no longer be replayed'),
      },
    },
  },
});

Object.assign(ADMIN_OPENAPI.components.schemas, {
  DeadLetter: {
    type: 'object',
    properties: {
      webhookEventId: { type: 'string' },
      type: { type: 'string', description: 'The LINE event type (message, postback, follow…)' },
      attempts: { type: 'integer', description: 'Times it was claimed for processing' },
      error: {
        type: 'string',
        description: 'The last error, after "dead letter: " (national IDs masked)',
      },
      lineRequestId: { type: 'string', nullable: true },
      receivedAt: { type: 'integer', description: 'ms since epoch' },
      deadAt: { type: 'integer', description: 'ms since epoch' },
      replayable: { type: 'boolean', description: 'False once retention erased its content' },
    },
  },
});
