/**
 * The notification categories, highest value first (the order a run spends a short message
 * quota in). One list for the store (src/store/schema.ts), the NLU (a text naming a category)
 * and the engine; it imports nothing, so any layer may use it.
 */
export const NOTIFICATION_CATEGORIES = [
  'claim_decided',
  'payment_made',
  'lapse_risk',
  'medical_inactive',
  'unemployment_report',
  'contribution_due',
  'hospital_window',
] as const;
export type NotificationCategory = (typeof NOTIFICATION_CATEGORIES)[number];
