/** What the user said about where AWS is: the AWS layer's own settings, independent of any CLI flag type. */
export interface AwsSettings {
  profile?: string | undefined;
  region?: string | undefined;
  endpointUrl?: string | undefined;
  /** Aborts every call of the clients made with these settings (a command's overall deadline). */
  signal?: AbortSignal | undefined;
}
