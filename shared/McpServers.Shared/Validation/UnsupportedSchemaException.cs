namespace McpServers.Shared.Validation;

/// <summary>
/// The schema uses something the validator does not enforce (an unknown keyword, a remote $ref, an unknown format)
/// or is malformed. Thrown at compile time so a tool can never advertise a constraint that is not checked.
/// </summary>
public sealed class UnsupportedSchemaException : Exception
{
    public UnsupportedSchemaException(string keyword, string schemaPath, string reason)
        : base($"Unsupported JSON Schema: '{keyword}' at {schemaPath}: {reason}")
    {
        Keyword = keyword;
        SchemaPath = schemaPath;
    }

    public UnsupportedSchemaException() : this("Unsupported JSON Schema.") { }

    public UnsupportedSchemaException(string message) : base(message)
    {
        Keyword = string.Empty;
        SchemaPath = string.Empty;
    }

    public UnsupportedSchemaException(string message, Exception innerException) : base(message, innerException)
    {
        Keyword = string.Empty;
        SchemaPath = string.Empty;
    }

    /// <summary>The keyword that is not supported or not valid, e.g. "if" or "$ref".</summary>
    public string Keyword { get; }

    /// <summary>Where in the schema, as a JSON Pointer fragment such as "#/properties/period".</summary>
    public string SchemaPath { get; }
}
