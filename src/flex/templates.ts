/** Every Flex template, bundled (the Worker has no file system). */
import helpMenu from '../../flex-templates/help-menu.json' with { type: 'json' };

export const templates = {
  helpMenu,
} as const;
export type TemplateName = keyof typeof templates;
