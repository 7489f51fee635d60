ALTER TABLE `webhook_events` ADD `intent` text;--> statement-breakpoint
ALTER TABLE `webhook_events` ADD `lang` text;