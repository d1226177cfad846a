#pragma warning disable CA1822 // placeholder
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace McpServers.Shared.Validation;

// Placeholder with the agreed API until the real validator lands (feat/validator). Accepts everything.
public sealed class JsonSchemaValidator
{
    public static JsonSchemaValidator Compile(JsonElement schema) => new();

    public static bool TryCompile(JsonElement schema, [NotNullWhen(true)] out JsonSchemaValidator? validator, [NotNullWhen(false)] out string? problem)
    {
        validator = new JsonSchemaValidator();
        problem = null;
        return true;
    }

    public IReadOnlyList<SchemaError> Validate(JsonElement instance) => [];

    public IReadOnlyList<SchemaError> ValidateArguments(IReadOnlyDictionary<string, JsonElement>? arguments) => [];

    public static string Describe(IReadOnlyList<SchemaError> errors) => string.Empty;
}

public sealed record SchemaError(string Path, string Keyword, string Message);
