namespace McpServers.Shared.Credentials;

/// <summary>
/// The words the sign-in messages use for one backend, so each names what to do: the backend's name, its
/// settings section and its sign-in command.
/// </summary>
/// <param name="Backend">The backend as users know it, e.g. <c>CRM</c>.</param>
/// <param name="Section">The OAuth settings section, e.g. <c>Crm:OAuth</c>.</param>
/// <param name="LoginCommand">The sign-in command, e.g. <c>mcp-crm login</c>; null for a client-credentials client.</param>
public sealed record OAuthMessages(string Backend, string Section, string? LoginCommand)
{
    /// <summary>The settings holding the client id and secret, named when the server refuses the client.</summary>
    public string ClientSettings { get; init; } = $"{Section}:ClientId and {Section}:ClientSecret";

    /// <summary>The setting holding the scopes.</summary>
    public string ScopeSetting { get; init; } = $"{Section}:Scopes";

    /// <summary>The token endpoint as named in messages.</summary>
    public string System => $"The {Backend} sign-in server";

    internal string SignInAgain => LoginCommand is { } login
        ? $"The {Backend} sign-in has expired or was revoked; run `{login}` to sign in again."
        : $"{System} did not accept the grant; an administrator should check {ClientSettings}.";

    internal string NotSignedIn => $"No one is signed in to {Backend} for this server; run `{LoginCommand}` (or `{LoginCommand} --device-code` on a machine without a browser).";
}
