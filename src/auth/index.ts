/** src/auth: keychains (CNB_REGISTRY_AUTH, docker config.json, credential helpers) and authenticators. */
export { anonymous, staticAuthenticator, isAnonymous, type AuthConfig, type Authenticator, type Keychain } from './types.js';
export { envKeychain } from './env-keychain.js';
export { dockerConfigKeychain, dockerConfigPath, type DockerConfigKeychainOptions } from './docker-config.js';
export { runCredHelper, type CredHelperOptions } from './cred-helper.js';
export { multiKeychain, preResolvedKeychain } from './multi-keychain.js';
export { defaultKeychain } from './default-keychain.js';
export { authConfigFromHeader } from './header.js';
export { registryKey } from './registry-key.js';
