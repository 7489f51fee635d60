CREATE TABLE `staff_accounts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`email` text NOT NULL,
	`display_name` text NOT NULL,
	`role` text NOT NULL,
	`password_hash` text NOT NULL,
	`totp_secret` text,
	`totp_enabled_at` integer,
	`totp_last_step` integer,
	`lang` text DEFAULT 'th' NOT NULL,
	`sessions_valid_after` integer DEFAULT 0 NOT NULL,
	`disabled_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `staff_accounts_email_idx` ON `staff_accounts` (`email`);--> statement-breakpoint
CREATE TABLE `staff_audit` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`staff_id` integer,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`target` text,
	`detail` text
);
--> statement-breakpoint
CREATE INDEX `staff_audit_at_idx` ON `staff_audit` (`at`);--> statement-breakpoint
CREATE INDEX `staff_audit_staff_idx` ON `staff_audit` (`staff_id`,`at`);--> statement-breakpoint
CREATE TABLE `staff_flag_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`flag_id` integer NOT NULL,
	`at` integer NOT NULL,
	`direction` text NOT NULL,
	`staff_id` integer,
	`text` text NOT NULL,
	`retry_key` text,
	`status` text,
	FOREIGN KEY (`flag_id`) REFERENCES `staff_flags`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `staff_flag_messages_flag_idx` ON `staff_flag_messages` (`flag_id`,`at`);--> statement-breakpoint
CREATE TABLE `staff_sessions` (
	`id_hash` text PRIMARY KEY NOT NULL,
	`staff_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`mfa_done` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`staff_id`) REFERENCES `staff_accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `staff_sessions_staff_idx` ON `staff_sessions` (`staff_id`);--> statement-breakpoint
CREATE INDEX `staff_sessions_expires_idx` ON `staff_sessions` (`expires_at`);--> statement-breakpoint
ALTER TABLE `line_users` ADD `bot_paused_until` integer;--> statement-breakpoint
ALTER TABLE `push_jobs` ADD `scheduled_at` integer;--> statement-breakpoint
ALTER TABLE `push_jobs` ADD `created_by` integer;--> statement-breakpoint
ALTER TABLE `staff_flags` ADD `closed_by` integer;--> statement-breakpoint
ALTER TABLE `staff_flags` ADD `close_note` text;--> statement-breakpoint
ALTER TABLE `staff_flags` ADD `last_message_at` integer;