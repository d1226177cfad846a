using McpServers.Shared.Errors;
using McpServers.Shared.Hosting;
using McpServers.Ticketing.Options;

namespace McpServers.Ticketing.Backend;

/// <summary>
/// <c>--check</c>: reach Jira once as the configured account and report the flavour and the allowed projects. Every
/// failure becomes a FAIL line that names the setting to fix; nothing a misconfigured Jira answers is thrown.
/// </summary>
internal sealed class JiraServerCheck(IJiraGateway gateway, JiraOptions options) : IServerCheck
{
    private const string UrlSetting = "JIRA_URL (Jira:BaseUrl)";

    public async Task<IReadOnlyList<CheckResult>> RunAsync(CancellationToken cancellationToken)
    {
        JiraCheck check;
        ProjectList projects;
        try
        {
            check = await gateway.CheckAsync(cancellationToken);
        }
        catch (Exception e) when (e is BackendException or ToolInputException)
        {
            return [new CheckResult("jira", CheckStatus.Failed, Verdict(e, reachedJira: false))];
        }

        var results = new List<CheckResult> { new("jira", CheckStatus.Ok, $"reached Jira {check.Flavor} {check.Version} as {check.Account}") };
        try
        {
            projects = await gateway.ListProjectsAsync(cancellationToken);
        }
        catch (Exception e) when (e is BackendException or ToolInputException)
        {
            results.Add(new CheckResult("projects", CheckStatus.Failed, Verdict(e, reachedJira: true)));
            return results;
        }

        results.Add(new("projects", projects.Projects.Count > 0 ? CheckStatus.Ok : CheckStatus.Failed,
            projects.Projects.Count > 0
                ? $"visible: {string.Join(", ", projects.Projects.Select(p => p.Key))}"
                : $"none of Jira:Projects ({string.Join(", ", options.Projects)}) is visible to the account; check JIRA_PROJECTS (Jira:Projects) and the account's permissions"));
        if (projects.NotVisible.Count > 0 && projects.Projects.Count > 0)
        {
            results.Add(new CheckResult("projects", CheckStatus.Warning,
                $"Jira:Projects names projects the account cannot see: {string.Join(", ", projects.NotVisible)}"));
        }

        return results;
    }

    /// <summary>What went wrong, in the gateway's safe words, and which setting an administrator should look at.</summary>
    private string Verdict(Exception e, bool reachedJira)
    {
        if (e is ToolInputException)
        {
            return $"Jira refused the server's request as invalid; check {UrlSetting}: it must be the Jira site's address.";
        }

        var b = (BackendException)e;
        string said = b.SafeMessage is { Length: > 0 } m ? m.TrimEnd('.') + ". " : "";
        return b.Kind switch
        {
            // The gateway's 401 message already names the credential settings (or the OAuth sign-in).
            BackendErrorKind.Unauthorized => said.TrimEnd(),
            BackendErrorKind.Forbidden => $"{said}Check that the account in {options.CredentialSettings} may browse the projects in Jira:Projects.",
            BackendErrorKind.NotFound when !reachedJira =>
                $"No Jira REST API answered at {options.BaseUrl}; check {UrlSetting}: it must be the site's address, e.g. https://your-site.atlassian.net.",
            BackendErrorKind.RateLimited => said.TrimEnd(),
            BackendErrorKind.TimedOut or BackendErrorKind.Unavailable =>
                $"{said}Check {UrlSetting} ({options.BaseUrl}) and, behind a proxy, Jira:Http:Proxy.",
            _ => $"{said}Check {UrlSetting} and {options.CredentialSettings}.",
        };
    }
}
