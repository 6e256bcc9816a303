// Component tests mount single components; they get the app's i18n plugin as the app does,
// in English unless a test switches the locale (and switches it back).
import { config } from '@vue/test-utils';
import { i18n } from './index';

config.global.plugins = [...config.global.plugins, i18n];
