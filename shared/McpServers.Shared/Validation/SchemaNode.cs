using System.Text.Json;

namespace McpServers.Shared.Validation;

[Flags]
internal enum JsonTypes
{
    None = 0,
    Null = 1,
    Boolean = 2,
    Object = 4,
    Array = 8,
    Number = 16,
    String = 32,
    Integer = 64,
}

/// <summary>
/// One compiled (sub)schema. Filled in once by <see cref="SchemaCompiler"/> and read-only afterwards, so a compiled
/// validator can be shared by concurrent calls. Properties left null mean "keyword absent".
/// </summary>
internal sealed class SchemaNode(string location)
{
    /// <summary>Where the schema sits, as a JSON Pointer fragment ("#/properties/period").</summary>
    public string Location { get; } = location;

    /// <summary>Set for the boolean schemas true and false.</summary>
    public bool? Boolean { get; set; }

    public SchemaNode? Ref { get; set; }

    public JsonTypes Types { get; set; }

    public IReadOnlyList<JsonElement>? Enum { get; set; }

    public JsonElement? Const { get; set; }

    public long? MinLength { get; set; }

    public long? MaxLength { get; set; }

    public EcmaPattern? Pattern { get; set; }

    public string? PatternText { get; set; }

    public FormatKind? Format { get; set; }

    public JsonNumber? Minimum { get; set; }

    public JsonNumber? Maximum { get; set; }

    public JsonNumber? ExclusiveMinimum { get; set; }

    public JsonNumber? ExclusiveMaximum { get; set; }

    public JsonNumber? MultipleOf { get; set; }

    /// <summary>Declared properties in schema order (the order is used in "allowed: ..." messages).</summary>
    public IReadOnlyList<KeyValuePair<string, SchemaNode>>? Properties { get; set; }

    public IReadOnlyDictionary<string, SchemaNode>? PropertyLookup { get; set; }

    public IReadOnlyList<string>? Required { get; set; }

    public SchemaNode? AdditionalProperties { get; set; }

    public long? MinProperties { get; set; }

    public long? MaxProperties { get; set; }

    public IReadOnlyList<SchemaNode>? PrefixItems { get; set; }

    public SchemaNode? Items { get; set; }

    public long? MinItems { get; set; }

    public long? MaxItems { get; set; }

    public bool UniqueItems { get; set; }

    public IReadOnlyList<SchemaNode>? AllOf { get; set; }

    public IReadOnlyList<SchemaNode>? AnyOf { get; set; }

    public IReadOnlyList<SchemaNode>? OneOf { get; set; }

    public SchemaNode? Not { get; set; }

    /// <summary>Compact JSON of the schema, used to say what a "not" forbids.</summary>
    public string SourceText { get; set; } = string.Empty;

    public bool IsFalse => Boolean == false;

    /// <summary>Subschemas applied to the same instance location (a cycle through these would never terminate).</summary>
    public IEnumerable<SchemaNode> InPlaceChildren()
    {
        if (Ref is not null)
        {
            yield return Ref;
        }

        foreach (IReadOnlyList<SchemaNode>? list in new[] { AllOf, AnyOf, OneOf })
        {
            if (list is not null)
            {
                foreach (SchemaNode child in list)
                {
                    yield return child;
                }
            }
        }

        if (Not is not null)
        {
            yield return Not;
        }
    }
}
