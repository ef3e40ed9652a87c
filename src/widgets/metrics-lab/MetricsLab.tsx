export { LabView as default } from './LabView';
