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

    /// <summary>
    /// What to tell the model when Salesforce still answers 401 (<c>INVALID_SESSION_ID</c>) after the credential has
    /// renewed the session once: for the user sign-in, "run <c>mcp-crm login</c>"; for a token from the environment, the
    /// setting to renew. The gateway's error hook throws it as a <c>BackendException</c> of kind Unauthorized.
    /// </summary>
    string SessionRefusedMessage => "Salesforce did not accept the session (INVALID_SESSION_ID); run `mcp-crm login` to sign in again.";
}
