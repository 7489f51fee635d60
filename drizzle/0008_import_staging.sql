CREATE TABLE `import_staging` (
	`import_id` text NOT NULL,
	`seq` integer NOT NULL,
	`table_name` text NOT NULL,
	`rows` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`import_id`, `seq`)
);
--> statement-breakpoint
CREATE INDEX `import_staging_created_idx` ON `import_staging` (`created_at`);