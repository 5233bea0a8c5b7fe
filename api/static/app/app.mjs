// Enhances the pages with GOV.UK Frontend's components (error summary focus,
// character counts, header menu). Every page works without it.
import { initAll } from '../govuk/govuk-frontend.min.js';

initAll();
