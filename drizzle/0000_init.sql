CREATE TABLE `line_users` (
	`user_id` text PRIMARY KEY NOT NULL,
	`chosen_language` text,
	`profile_language` text,
	`status` text DEFAULT 'active' NOT NULL,
	`followed_at` integer,
	`unfollowed_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `line_users_status_idx` ON `line_users` (`status`);--> statement-breakpoint
CREATE TABLE `meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `webhook_events` (
	`webhook_event_id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`user_id` text,
	`reply_token` text,
	`event_timestamp` integer NOT NULL,
	`is_redelivery` integer DEFAULT false NOT NULL,
	`payload` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`reply_attempted_at` integer,
	`delivery` text,
	`error` text,
	`line_request_id` text,
	`received_at` integer NOT NULL,
	`processed_at` integer
);
--> statement-breakpoint
CREATE INDEX `webhook_events_status_idx` ON `webhook_events` (`status`,`received_at`);