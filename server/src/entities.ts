// Every persisted entity, listed once for the ORM and the migrations.
import { ApiToken } from './accounts/api-token.entity.js';
import { LoginThrottle } from './accounts/login-throttle.entity.js';
import { PasswordResetToken } from './accounts/password-reset-token.entity.js';
import { Session } from './accounts/session.entity.js';
import { User } from './accounts/user.entity.js';
import { AuditEvent } from './audit/audit-event.entity.js';
import { Organization } from './directory/organization.entity.js';
import { OutboxMail } from './notifications/outbox-mail.entity.js';

export const entities = [Organization, User, Session, PasswordResetToken, ApiToken, LoginThrottle, OutboxMail, AuditEvent];
