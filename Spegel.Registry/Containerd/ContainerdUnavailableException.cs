namespace Spegel.Registry.Containerd;

/// <summary>containerd could not be reached, or did not answer in time.</summary>
public sealed class ContainerdUnavailableException : IOException
{
    /// <summary>Creates the exception with a default message.</summary>
    public ContainerdUnavailableException()
        : base("containerd is not reachable.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ContainerdUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure underneath.</summary>
    public ContainerdUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
