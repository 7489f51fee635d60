CREATE TABLE `identity_documents` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`person_id` integer NOT NULL,
	`type` text NOT NULL,
	`number` text NOT NULL,
	`country` text NOT NULL,
	`work_permit_number` text,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`person_id`) REFERENCES `insured_persons`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `identity_documents_number_idx` ON `identity_documents` (`type`,`country`,`number`);--> statement-breakpoint
CREATE INDEX `identity_documents_person_idx` ON `identity_documents` (`person_id`);--> statement-breakpoint
CREATE TABLE `link_codes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`person_id` integer NOT NULL,
	`code_hash` text NOT NULL,
	`issued_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`person_id`) REFERENCES `insured_persons`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `link_codes_person_idx` ON `link_codes` (`person_id`,`expires_at`);--> statement-breakpoint
CREATE TABLE `link_tokens` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer
);
--> statement-breakpoint
CREATE INDEX `link_tokens_user_idx` ON `link_tokens` (`user_id`);--> statement-breakpoint
CREATE INDEX `link_tokens_expires_idx` ON `link_tokens` (`expires_at`);--> statement-breakpoint
ALTER TABLE `link_nonces` ADD `user_id` text;