CREATE TABLE `news_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`title` text NOT NULL,
	`summary` text NOT NULL,
	`body` text NOT NULL,
	`image_url` text,
	`source_url` text,
	`published_date` text NOT NULL,
	`topic` text DEFAULT 'general' NOT NULL,
	`target_sections` text DEFAULT '[]' NOT NULL,
	`target_provinces` text DEFAULT '[]' NOT NULL,
	`languages` text DEFAULT '["th"]' NOT NULL,
	`status` text DEFAULT 'published' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `news_items_published_idx` ON `news_items` (`status`,`published_date`);--> statement-breakpoint
CREATE UNIQUE INDEX `news_items_source_url_idx` ON `news_items` (`source_url`);--> statement-breakpoint
CREATE TABLE `offices` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`name_th` text NOT NULL,
	`name_en` text,
	`province_code` text NOT NULL,
	`area_no` integer,
	`address_th` text,
	`address_en` text,
	`phone` text,
	`hours` text,
	`lat` real,
	`lng` real,
	`location_precision` text,
	`source` text,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `offices_lat_lng_idx` ON `offices` (`lat`,`lng`);--> statement-breakpoint
CREATE INDEX `offices_province_idx` ON `offices` (`province_code`);--> statement-breakpoint
CREATE INDEX `offices_area_idx` ON `offices` (`area_no`);--> statement-breakpoint
CREATE TABLE `push_batches` (
	`job_id` integer NOT NULL,
	`batch_no` integer NOT NULL,
	`retry_key` text NOT NULL,
	`recipients` text NOT NULL,
	`recipient_count` integer NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer,
	`accepted_request_id` text,
	`last_error` text,
	`sent_at` integer,
	PRIMARY KEY(`job_id`, `batch_no`),
	FOREIGN KEY (`job_id`) REFERENCES `push_jobs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `push_batches_status_idx` ON `push_batches` (`job_id`,`status`);--> statement-breakpoint
CREATE TABLE `push_jobs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`news_id` integer NOT NULL,
	`kind` text NOT NULL,
	`segment` text,
	`status` text DEFAULT 'pending' NOT NULL,
	`total_recipients` integer DEFAULT 0 NOT NULL,
	`sent_recipients` integer DEFAULT 0 NOT NULL,
	`batches_total` integer DEFAULT 0 NOT NULL,
	`batches_done` integer DEFAULT 0 NOT NULL,
	`error` text,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	FOREIGN KEY (`news_id`) REFERENCES `news_items`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `push_jobs_status_idx` ON `push_jobs` (`status`,`created_at`);--> statement-breakpoint
ALTER TABLE `line_users` ADD `news_opt_out` integer DEFAULT false NOT NULL;