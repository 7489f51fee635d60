CREATE TABLE `benefit_claim_history` (
	`claim_id` text NOT NULL,
	`status` text NOT NULL,
	`at` text NOT NULL,
	`note` text,
	FOREIGN KEY (`claim_id`) REFERENCES `benefit_claims`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `benefit_claim_history_idx` ON `benefit_claim_history` (`claim_id`,`at`,`status`);--> statement-breakpoint
CREATE TABLE `benefit_claims` (
	`id` text PRIMARY KEY NOT NULL,
	`person_id` integer NOT NULL,
	`benefit` text NOT NULL,
	`filed_date` text NOT NULL,
	`status` text NOT NULL,
	`decision_date` text,
	`reason` text,
	`approved_satang` integer,
	`installments` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`person_id`) REFERENCES `insured_persons`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `benefit_claims_person_idx` ON `benefit_claims` (`person_id`,`filed_date`);--> statement-breakpoint
CREATE INDEX `benefit_claims_updated_idx` ON `benefit_claims` (`updated_at`);--> statement-breakpoint
CREATE TABLE `benefit_payments` (
	`claim_id` text NOT NULL,
	`installment` integer NOT NULL,
	`amount_satang` integer NOT NULL,
	`pay_date` text NOT NULL,
	`status` text NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`claim_id`) REFERENCES `benefit_claims`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `benefit_payments_idx` ON `benefit_payments` (`claim_id`,`installment`);--> statement-breakpoint
CREATE INDEX `benefit_payments_updated_idx` ON `benefit_payments` (`updated_at`);--> statement-breakpoint
CREATE TABLE `notification_prefs` (
	`user_id` text NOT NULL,
	`category` text NOT NULL,
	`enabled` integer NOT NULL,
	`consent_at` integer,
	`consent_text` text,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `category`)
);
--> statement-breakpoint
CREATE INDEX `notification_prefs_category_idx` ON `notification_prefs` (`category`,`enabled`);--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` text NOT NULL,
	`category` text NOT NULL,
	`dedupe_key` text NOT NULL,
	`due_at` integer NOT NULL,
	`params` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`line_request_id` text,
	`created_at` integer NOT NULL,
	`sent_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notifications_dedupe_idx` ON `notifications` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `notifications_status_due_idx` ON `notifications` (`status`,`due_at`);--> statement-breakpoint
CREATE INDEX `notifications_user_idx` ON `notifications` (`user_id`);--> statement-breakpoint
ALTER TABLE `unemployment_claims` ADD `updated_at` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `unemployment_claims_updated_idx` ON `unemployment_claims` (`updated_at`);--> statement-breakpoint
ALTER TABLE `unemployment_payments` ADD `updated_at` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `unemployment_payments_updated_idx` ON `unemployment_payments` (`updated_at`);