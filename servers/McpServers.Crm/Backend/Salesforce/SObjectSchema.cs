using McpServers.Shared.Errors;

namespace McpServers.Crm.Backend.Salesforce;

/// <summary>
/// What the model may use of one object: the fields of the user's describe (field-level security already applied by
/// Salesforce) that are also on the administrator's allowlist, by API name (matched ignoring case, named as describe
/// names them). The only source of object and field names in a query.
/// </summary>
internal sealed class SObjectSchema
{
    private readonly Dictionary<string, SfField> _fields;
    private readonly Dictionary<string, SfField> _writable;

    public SObjectSchema(string name, string label, string? keyPrefix, IEnumerable<SfField> described, IReadOnlyList<string> readAllowlist,
        IReadOnlyList<string> writeAllowlist)
    {
        Name = name;
        Label = label;
        KeyPrefix = keyPrefix;
        var byName = new Dictionary<string, SfField>(StringComparer.OrdinalIgnoreCase);
        foreach (SfField field in described)
        {
            if (field.Name is { } n && SalesforceOptions.ApiNamePattern().IsMatch(n))
            {
                byName.TryAdd(n, field);
            }
        }

        _fields = Pick(byName, readAllowlist);
        _writable = Pick(byName, writeAllowlist);
    }

    /// <summary>The object's API name, e.g. <c>Account</c>.</summary>
    public string Name { get; }

    public string Label { get; }

    /// <summary>The 3-character id prefix of the object's records (001 for accounts), when describe says.</summary>
    public string? KeyPrefix { get; }

    /// <summary>Readable fields (describe ∩ read allowlist), in allowlist order.</summary>
    public IEnumerable<SfField> Fields => _fields.Values;

    /// <summary>Writable candidates (describe ∩ write allowlist); createable/updateable is checked per write.</summary>
    public IEnumerable<SfField> WritableFields => _writable.Values;

    public bool Has(string field) => _fields.ContainsKey(field);

    public bool TryGet(string field, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SfField? described) =>
        _fields.TryGetValue(field, out described);

    /// <summary>The field for a query, or an input error listing what is allowed.</summary>
    public SfField Field(string field) => _fields.TryGetValue(field, out SfField? described)
        ? described
        : throw new ToolInputException(
            $"The field '{Shown(field)}' of {Name} is not available on this server (not on the administrator's allowlist, or not visible to you). Allowed fields: {List(_fields.Keys)}.");

    /// <summary>The field for a write, or an input error listing the writable fields.</summary>
    public SfField WritableField(string field) => _writable.TryGetValue(field, out SfField? described)
        ? described
        : throw new ToolInputException(
            $"The field '{Shown(field)}' of {Name} may not be written on this server. Writable fields: {(_writable.Count == 0 ? "none" : List(_writable.Keys))}.");

    private static Dictionary<string, SfField> Pick(Dictionary<string, SfField> described, IReadOnlyList<string> allowlist)
    {
        var picked = new Dictionary<string, SfField>(StringComparer.OrdinalIgnoreCase);
        foreach (string name in allowlist)
        {
            if (described.TryGetValue(name, out SfField? field))
            {
                picked.TryAdd(field.Name!, field);
            }
        }

        return picked;
    }

    private static string List(IEnumerable<string> names) => string.Join(", ", names.Order(StringComparer.Ordinal));

    /// <summary>A model-given name echoed in an error: only when it has the shape of an API name, else a placeholder.</summary>
    private static string Shown(string field) => SalesforceOptions.ApiNamePattern().IsMatch(field) ? field : "(not a field name)";
}
