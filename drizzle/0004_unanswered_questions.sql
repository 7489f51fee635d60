CREATE TABLE `unanswered_questions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`lang` text NOT NULL,
	`text` text NOT NULL,
	`topic` text,
	`alternatives` text NOT NULL,
	`confidence` real NOT NULL,
	`handled_at` integer
);
--> statement-breakpoint
CREATE INDEX `unanswered_questions_at_idx` ON `unanswered_questions` (`at`);--> statement-breakpoint
CREATE INDEX `unanswered_questions_topic_idx` ON `unanswered_questions` (`topic`,`at`);