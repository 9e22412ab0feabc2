export { Badge, type BadgeTone } from './Badge';
export { Banner, type BannerTone } from './Banner';
export { Button, type ButtonProps, type ButtonSize, type ButtonVariant } from './Button';
export { Card, CardBody, CardHeader } from './Card';
export { EmptyState } from './EmptyState';
export { ErrorState } from './ErrorState';
export { Input, type InputProps } from './Input';
export { Modal } from './Modal';
export { PageSpinner, Spinner } from './Spinner';
