using System.Net;
using System.Net.Sockets;

namespace Spegel.TestSupport.Processes;

/// <summary>Loopback ports that are free at the time of asking (the OS picks them).</summary>
public static class FreePort
{
    /// <summary>One free TCP port on 127.0.0.1.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
