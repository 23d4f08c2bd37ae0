namespace Spegel.Registry.Http;

/// <summary>Settings of the registry endpoint.</summary>
public sealed class RegistryOptions
{
    /// <summary>The registry a request without <c>?ns=</c> refers to.</summary>
    public string DefaultRegistry { get; set; } = "docker.io";
}
