CREATE TABLE `account_links` (
	`user_id` text PRIMARY KEY NOT NULL,
	`person_id` integer NOT NULL,
	`linked_at` integer NOT NULL,
	FOREIGN KEY (`person_id`) REFERENCES `insured_persons`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `account_links_person_idx` ON `account_links` (`person_id`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`person_id` integer,
	`action` text NOT NULL,
	`purpose` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_log_person_idx` ON `audit_log` (`person_id`,`at`);--> statement-breakpoint
CREATE TABLE `claim_status_history` (
	`claim_id` text NOT NULL,
	`status` text NOT NULL,
	`at` text NOT NULL,
	`note` text,
	FOREIGN KEY (`claim_id`) REFERENCES `unemployment_claims`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `claim_status_history_idx` ON `claim_status_history` (`claim_id`,`at`,`status`);--> statement-breakpoint
CREATE TABLE `contributions` (
	`person_id` integer NOT NULL,
	`period` text NOT NULL,
	`payer_id` text NOT NULL,
	`wage_satang` integer NOT NULL,
	`employee_satang` integer NOT NULL,
	`employer_satang` integer NOT NULL,
	`government_satang` integer NOT NULL,
	`old_age_satang` integer NOT NULL,
	`paid_date` text,
	PRIMARY KEY(`person_id`, `period`, `payer_id`),
	FOREIGN KEY (`person_id`) REFERENCES `insured_persons`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `employers` (
	`id` text PRIMARY KEY NOT NULL,
	`name_th` text NOT NULL,
	`name_en` text,
	`province_code` text
);
--> statement-breakpoint
CREATE INDEX `employers_province_idx` ON `employers` (`province_code`);--> statement-breakpoint
CREATE TABLE `hospital_registrations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`person_id` integer NOT NULL,
	`hospital_id` text NOT NULL,
	`valid_from` text NOT NULL,
	`valid_to` text,
	`reason` text,
	FOREIGN KEY (`person_id`) REFERENCES `insured_persons`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`hospital_id`) REFERENCES `hospitals`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `hospital_registrations_person_from_idx` ON `hospital_registrations` (`person_id`,`valid_from`);--> statement-breakpoint
CREATE TABLE `hospitals` (
	`id` text PRIMARY KEY NOT NULL,
	`name_th` text NOT NULL,
	`name_en` text,
	`province_code` text NOT NULL,
	`address_th` text,
	`phone` text,
	`lat` real,
	`lng` real,
	`location_precision` text,
	`is_demo` integer DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE INDEX `hospitals_province_idx` ON `hospitals` (`province_code`);--> statement-breakpoint
CREATE INDEX `hospitals_lat_lng_idx` ON `hospitals` (`lat`,`lng`);--> statement-breakpoint
CREATE TABLE `insured_persons` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`national_id` text NOT NULL,
	`title_th` text,
	`first_name_th` text NOT NULL,
	`last_name_th` text NOT NULL,
	`first_name_en` text,
	`last_name_en` text,
	`birth_date` text NOT NULL,
	`section` integer NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`employer_id` text,
	`section40_option` integer,
	`coverage_start` text,
	`province_code` text,
	`laser_code_hash` text NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`employer_id`) REFERENCES `employers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `insured_persons_national_id_unique` ON `insured_persons` (`national_id`);--> statement-breakpoint
CREATE INDEX `insured_persons_employer_idx` ON `insured_persons` (`employer_id`);--> statement-breakpoint
CREATE TABLE `link_failures` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`key` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `link_failures_key_at_idx` ON `link_failures` (`key`,`at`);--> statement-breakpoint
CREATE TABLE `link_nonces` (
	`nonce_hash` text PRIMARY KEY NOT NULL,
	`person_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`person_id`) REFERENCES `insured_persons`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `unemployment_claims` (
	`id` text PRIMARY KEY NOT NULL,
	`person_id` integer NOT NULL,
	`cause` text NOT NULL,
	`last_work_date` text NOT NULL,
	`filed_date` text NOT NULL,
	`status` text NOT NULL,
	`approved_days` integer,
	`daily_satang` integer,
	`monthly_satang` integer,
	`rejection_reason` text,
	FOREIGN KEY (`person_id`) REFERENCES `insured_persons`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `unemployment_claims_person_idx` ON `unemployment_claims` (`person_id`,`filed_date`);--> statement-breakpoint
CREATE TABLE `unemployment_payments` (
	`claim_id` text NOT NULL,
	`installment` integer NOT NULL,
	`period_from` text NOT NULL,
	`period_to` text NOT NULL,
	`amount_satang` integer NOT NULL,
	`pay_date` text NOT NULL,
	`status` text NOT NULL,
	`report_due_date` text,
	`reported_at` text,
	FOREIGN KEY (`claim_id`) REFERENCES `unemployment_claims`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `unemployment_payments_idx` ON `unemployment_payments` (`claim_id`,`installment`);