/** The package version, replaced at build time. */
declare const __VMDESK_VERSION__: string;
