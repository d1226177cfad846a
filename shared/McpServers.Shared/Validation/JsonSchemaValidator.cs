using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;

namespace McpServers.Shared.Validation;

/// <summary>
/// Validates tool arguments against the exact inputSchema a tool advertises (draft 2020-12 subset, see DESIGN.md §3.4).
/// Compiled once when the tool is registered; unsupported keywords are refused then, never ignored at call time.
/// AOT-safe: works on <see cref="JsonElement"/> only, no reflection-based serialization.
/// </summary>
public sealed class JsonSchemaValidator
{
    private const int MaxDescribed = 20;

    private readonly SchemaNode _root;

    private JsonSchemaValidator(SchemaNode root) => _root = root;

    /// <summary>Compiles <paramref name="schema"/>; throws <see cref="UnsupportedSchemaException"/> for anything not enforced.</summary>
    public static JsonSchemaValidator Compile(JsonElement schema)
    {
        if (schema.ValueKind == JsonValueKind.Undefined)
        {
            throw new ArgumentException("The schema element has no value.", nameof(schema));
        }

        // Clone so the validator does not depend on the caller keeping its JsonDocument alive.
        return new JsonSchemaValidator(SchemaCompiler.Compile(schema.Clone()));
    }

    public static bool TryCompile(JsonElement schema, [NotNullWhen(true)] out JsonSchemaValidator? validator,
        [NotNullWhen(false)] out string? problem)
    {
        try
        {
            validator = Compile(schema);
            problem = null;
            return true;
        }
        catch (UnsupportedSchemaException ex)
        {
            validator = null;
            problem = ex.Message;
            return false;
        }
    }

    /// <summary>Every failed rule, in a stable order; empty when the value is valid.</summary>
    public IReadOnlyList<SchemaError> Validate(JsonElement instance)
    {
        if (instance.ValueKind == JsonValueKind.Undefined)
        {
            throw new ArgumentException("The instance element has no value.", nameof(instance));
        }

        return Validate(instance, WorkMeter.DefaultLimit, out _);
    }

    /// <summary>As <see cref="Validate(JsonElement)"/>, with the work limit and the steps used (for tests and tuning).</summary>
    internal IReadOnlyList<SchemaError> Validate(JsonElement instance, long workLimit, out long workUsed)
    {
        var meter = new WorkMeter(workLimit);
        try
        {
            // Repeated names, invalid Unicode, oversized numbers and deep nesting are refused before any keyword runs.
            if (InstanceScreen.Check(instance, string.Empty, meter) is { } refused)
            {
                return [refused];
            }

            List<SchemaError> errors = [];
            new SchemaEvaluator(meter).Evaluate(_root, instance, string.Empty, errors, 0);
            // allOf branches and $ref siblings can report the same rule twice.
            return errors.Count <= 1 ? errors : errors.Distinct().ToList();
        }
        catch (ValidationAbortedException ex)
        {
            return [ex.Error];
        }
        finally
        {
            workUsed = meter.Used;
        }
    }

    /// <summary>Validates the object made of the call's arguments (null means no arguments, i.e. {}).</summary>
    public IReadOnlyList<SchemaError> ValidateArguments(IReadOnlyDictionary<string, JsonElement>? arguments)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach ((string name, JsonElement value) in arguments ?? new Dictionary<string, JsonElement>())
            {
                if (value.ValueKind == JsonValueKind.Undefined)
                {
                    throw new ArgumentException($"Argument '{name}' has no value.", nameof(arguments));
                }

                try
                {
                    writer.WritePropertyName(name);
                    value.WriteTo(writer);
                }
                catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
                {
                    // The writer refuses invalid UTF-16 (a lone surrogate escape): report it as the screen would.
                    string path = ErrorText.Child(string.Empty, name);
                    return [InstanceScreen.Check(value, path, new WorkMeter(WorkMeter.DefaultLimit))
                        ?? new SchemaError(path, "encoding", $"the parameter name {ErrorText.Subject(path)} is not valid Unicode text; send valid names")];
                }
            }

            writer.WriteEndObject();
        }

        // One level deeper than the arguments themselves, so their own depth is judged by the screen, not the parser.
        using JsonDocument document = JsonDocument.Parse(buffer.WrittenMemory, new JsonDocumentOptions { MaxDepth = 256 });
        return Validate(document.RootElement);
    }

    /// <summary>One message for the model that lists every failing parameter and its rule.</summary>
    public static string Describe(IReadOnlyList<SchemaError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Count == 0)
        {
            return "The arguments are valid.";
        }

        if (errors.Count == 1)
        {
            return "Invalid arguments: " + errors[0].Message + ".";
        }

        var sb = new StringBuilder("Invalid arguments (").Append(errors.Count).Append(" problems):");
        foreach (SchemaError error in errors.Take(MaxDescribed))
        {
            sb.Append("\n- ").Append(error.Message);
        }

        if (errors.Count > MaxDescribed)
        {
            sb.Append("\n- … and ").Append(errors.Count - MaxDescribed).Append(" more");
        }

        return sb.ToString();
    }
}
