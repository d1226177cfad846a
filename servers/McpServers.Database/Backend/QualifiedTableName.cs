using McpServers.Shared.Errors;

namespace McpServers.Database.Backend;

/// <summary>
/// A table name as the model wrote it: <c>name</c> or <c>schema.name</c>. Parsing only checks the shape; the
/// catalog decides whether it exists (identifiers never reach SQL from here, only catalog names do).
/// </summary>
public readonly record struct QualifiedTableName(string? Schema, string Name)
{
    public const int MaxPartLength = 128;

    public static QualifiedTableName Parse(string? text, string parameterName = "table")
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ToolInputException($"`{parameterName}` is required: a table name like `invoices` or `public.invoices`.");
        }

        string[] parts = text.Trim().Split('.');
        if (parts.Length > 2 || parts.Any(p => p.Length == 0 || p.Length > MaxPartLength))
        {
            throw new ToolInputException(
                $"`{parameterName}` must be a table name like `invoices` or `public.invoices` (each part 1-{MaxPartLength} characters); got `{Describe.Input(text)}`.");
        }

        return parts.Length == 2 ? new QualifiedTableName(parts[0], parts[1]) : new QualifiedTableName(null, parts[0]);
    }

    public override string ToString() => Schema is null ? Name : $"{Schema}.{Name}";
}
