/** Every Flex template, bundled (the Worker has no file system). */
import helpMenu from '../../flex-templates/help-menu.json' with { type: 'json' };
import linkAccount from '../../flex-templates/link-account.json' with { type: 'json' };
import newsCard from '../../flex-templates/news-card.json' with { type: 'json' };
import officeCard from '../../flex-templates/office-card.json' with { type: 'json' };
import recordCard from '../../flex-templates/record-card.json' with { type: 'json' };
import section40Compare from '../../flex-templates/section40-compare.json' with { type: 'json' };

export const templates = {
  helpMenu,
  linkAccount,
  officeCard,
  newsCard,
  recordCard,
  section40Compare,
} as const;
export type TemplateName = keyof typeof templates;
