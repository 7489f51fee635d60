import { defineConfig } from 'drizzle-kit';

// One migrations folder for both runtimes: the Node migrator and `wrangler d1 migrations`
// (wrangler.toml migrations_dir = "drizzle").
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/store/schema.ts',
  out: './drizzle',
});
