export {
  addIrsaAudience,
  mutateRgdTemplates,
  type TemplateChange,
  type TemplateMutation,
  type TemplateMutationOptions,
} from './rgd-templates.ts';
