using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace McpServers.Shared.Hosting;

/// <summary>
/// The one way a server (and the shared core) reads a settings section: a plain options class, bound by the
/// configuration binding source generator (NativeAOT), its keys known to the host (<see cref="SettingsSection"/>),
/// checked at start with messages that name <c>Section:Key</c>.
/// </summary>
public static class SettingsOptionsServiceCollectionExtensions
{
    private const DynamicallyAccessedMemberTypes Members =
        DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicParameterlessConstructor;

    /// <summary>
    /// Registers <typeparamref name="T"/> for the section at <paramref name="path"/> (empty: the configuration root):
    /// its keys become known settings, a value the binder could not convert is refused naming the key (before the
    /// binder would throw), <paramref name="validator"/> runs at start (<c>ValidateOnStart</c> and before the tool set is
    /// built), and <typeparamref name="T"/> itself can be injected. The caller chains <c>.Bind(section)</c> itself, so
    /// the source generator sees the concrete type, plus any <c>PostConfigure</c> (lists: <see cref="SettingList"/>).
    /// </summary>
    public static OptionsBuilder<T> AddSettings<[DynamicallyAccessedMembers(Members)] T>(
        this IServiceCollection services, IConfiguration configuration, string path, IValidateOptions<T>? validator = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(path);
        IConfiguration section = path.Length == 0 ? configuration : configuration.GetSection(path);
        services.AddSettingsSection<T>(path);
        if (validator is not null)
        {
            services.AddSingleton(validator);
        }

        services.AddSingleton(sp => Value<T>(sp));
        services.AddStartupValidation<T>();
        // Registered before the caller's Bind, so it runs first: the generated binder would throw a bare conversion error.
        return services.AddOptions<T>().Configure(_ => SettingValues.ThrowIfUnreadable(typeof(T), section, path)).ValidateOnStart();
    }

    /// <summary>The options, or a <see cref="ConfigurationException"/> listing every problem (each names its setting).</summary>
    private static T Value<[DynamicallyAccessedMembers(Members)] T>(IServiceProvider services)
        where T : class
    {
        try
        {
            return services.GetRequiredService<IOptions<T>>().Value;
        }
        catch (OptionsValidationException e)
        {
            throw new ConfigurationException(string.Join(" ", e.Failures));
        }
    }
}

/// <summary>Checks that each scalar setting of an options type holds text its type can be read from.</summary>
internal static class SettingValues
{
    public static void ThrowIfUnreadable([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] Type type,
        IConfiguration section, string path)
    {
        var problems = new List<string>();
        foreach (PropertyInfo property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is not { IsPublic: true } || section[property.Name] is not { } text)
            {
                continue;
            }

            string key = path.Length == 0 ? property.Name : ConfigurationPath.Combine(path, property.Name);
            if (Problem(Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType, text) is { } problem)
            {
                problems.Add($"{key} must be {problem}.");
            }
        }

        if (problems.Count > 0)
        {
            throw new OptionsValidationException(path, type, problems);
        }
    }

    /// <summary>What <paramref name="text"/> must look like for <paramref name="type"/>, or null when it can be read (as the binder reads it).</summary>
    private static string? Problem(Type type, string text)
    {
        const NumberStyles Float = NumberStyles.Float | NumberStyles.AllowThousands;
        CultureInfo invariant = CultureInfo.InvariantCulture;
        return type switch
        {
            _ when type == typeof(bool) => bool.TryParse(text, out _) ? null : "true or false",
            _ when type == typeof(int) => int.TryParse(text, NumberStyles.Integer, invariant, out _) ? null : "a whole number",
            _ when type == typeof(long) => long.TryParse(text, NumberStyles.Integer, invariant, out _) ? null : "a whole number",
            _ when type == typeof(double) => double.TryParse(text, Float, invariant, out _) ? null : "a number",
            _ when type == typeof(TimeSpan) => TimeSpan.TryParse(text, invariant, out _) ? null : "a time span such as 00:00:30",
            _ when type == typeof(Uri) => Uri.TryCreate(text, UriKind.RelativeOrAbsolute, out _) ? null : "a URL",
            { IsEnum: true } => Enum.TryParse(type, text, ignoreCase: true, out _) && !int.TryParse(text, invariant, out _) ? null : OneOf(Enum.GetNames(type)),
            _ => null,
        };
    }

    private static string OneOf(string[] names) =>
        names.Length == 1 ? names[0] : $"{string.Join(", ", names[..^1])} or {names[^1]}";
}
