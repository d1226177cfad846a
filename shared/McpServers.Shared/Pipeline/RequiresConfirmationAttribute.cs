namespace McpServers.Shared.Pipeline;

/// <summary>
/// Marks a tool method whose effect a human should confirm before it happens (send, create, transition).
/// Administrators can turn it off per tool (<c>Confirmation:Disable</c>) or add it (<c>Confirmation:Require</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequiresConfirmationAttribute : Attribute
{
}

/// <summary>Names tool parameters whose values are secret: the audit log records them as <c>***</c>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SecretParametersAttribute(params string[] names) : Attribute
{
    public IReadOnlyList<string> Names { get; } = names;
}
