namespace McpServers.Shared.Pipeline;

/// <summary>
/// Marks a tool method whose effect a human should confirm before it happens (send, create, transition).
/// Administrators can turn it off per tool (<c>Confirmation:Disable</c>) or add it (<c>Confirmation:Require</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequiresConfirmationAttribute : Attribute
{
    /// <summary>
    /// Only the user, asked by the client (elicitation), may confirm: no preview token the model could pass back, unless
    /// an administrator names the tool in <c>Confirmation:AllowToken</c>. For tools where a prompt-injected model
    /// confirming its own call costs most (sending mail).
    /// </summary>
    public bool ElicitationOnly { get; init; }

    /// <summary>Confirmation cannot be turned off: naming the tool in <c>Confirmation:Disable</c> stops the server from starting.</summary>
    public bool Mandatory { get; init; }
}

/// <summary>Names tool parameters whose values are secret: the audit log records them as <c>***</c>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SecretParametersAttribute(params string[] names) : Attribute
{
    public IReadOnlyList<string> Names { get; } = names;
}
