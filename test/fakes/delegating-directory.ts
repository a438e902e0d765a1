import type {
  AuthMethod,
  AuthMethodType,
  CreateTapOptions,
  DeleteMethodsResult,
  Directory,
  DirectoryGroup,
  DirectoryUser,
  EndState,
  MutationResult,
  OutgoingMail,
  PhoneNumber,
  PrivilegeOptions,
  PrivilegeReport,
  SetMobilePhoneResult,
  TemporaryAccessPass,
} from '../../src/ports/directory';

/** Passes every call to the real directory; the doubles below change one answer each. */
export class DelegatingDirectory implements Directory {
  constructor(protected readonly inner: Directory) {}

  getUser(userId: string): Promise<DirectoryUser> {
    return this.inner.getUser(userId);
  }
  getManager(userId: string): Promise<DirectoryUser | undefined> {
    return this.inner.getManager(userId);
  }
  memberOfGroups(userId: string, groupIds: readonly string[]): Promise<ReadonlySet<string>> {
    return this.inner.memberOfGroups(userId, groupIds);
  }
  getPrivilege(userId: string, options?: PrivilegeOptions): Promise<PrivilegeReport> {
    return this.inner.getPrivilege(userId, options);
  }
  getGroup(groupId: string): Promise<DirectoryGroup> {
    return this.inner.getGroup(groupId);
  }
  listMethods(userId: string): Promise<AuthMethod[]> {
    return this.inner.listMethods(userId);
  }
  setMobilePhone(userId: string, phone: PhoneNumber): Promise<SetMobilePhoneResult> {
    return this.inner.setMobilePhone(userId, phone);
  }
  deleteMethods(userId: string, types: readonly AuthMethodType[]): Promise<DeleteMethodsResult> {
    return this.inner.deleteMethods(userId, types);
  }
  createTemporaryAccessPass(userId: string, options: CreateTapOptions): Promise<TemporaryAccessPass> {
    return this.inner.createTemporaryAccessPass(userId, options);
  }
  deleteTemporaryAccessPass(userId: string, methodId: string): Promise<MutationResult> {
    return this.inner.deleteTemporaryAccessPass(userId, methodId);
  }
  revokeSignInSessions(userId: string): Promise<MutationResult> {
    return this.inner.revokeSignInSessions(userId);
  }
  sendMail(mail: OutgoingMail): Promise<MutationResult> {
    return this.inner.sendMail(mail);
  }
  readBackEndState(userId: string, options?: { expectMobile?: PhoneNumber }): Promise<EndState> {
    return this.inner.readBackEndState(userId, options);
  }
}

/**
 * Graph's answer to a pass create says `isUsableOnce: false`, as a tenant or an API version that
 * ignores the one-time flag would.
 */
export class MultiUsePassDirectory extends DelegatingDirectory {
  override async createTemporaryAccessPass(
    userId: string,
    options: CreateTapOptions,
  ): Promise<TemporaryAccessPass> {
    const created = await this.inner.createTemporaryAccessPass(userId, options);
    return { ...created, isUsableOnce: false };
  }
}
