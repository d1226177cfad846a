namespace McpServers.Crm.Backend.Salesforce;

/// <summary>
/// Where the org's REST API lives: <c>Salesforce:InstanceUrl</c> when set, otherwise the <c>instance_url</c> of the
/// sign-in's token response (kept with the stored sign-in). The gateway asks before each call and sends to
/// <c>{instance}/services/data/{version}/…</c>; the credential travels only to this origin.
/// </summary>
public interface ISalesforceInstance
{
    /// <summary>The instance's origin (scheme, host, port). Throws <c>BackendException</c> Unauthorized, naming
    /// <c>mcp-crm login</c> and <c>Salesforce:InstanceUrl</c>, when neither is known.</summary>
    ValueTask<Uri> GetAsync(CancellationToken cancellationToken);
}
