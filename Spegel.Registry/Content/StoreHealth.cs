namespace Spegel.Registry.Content;

/// <summary>The outcome of a store health check.</summary>
/// <param name="IsReachable">Whether the store answered.</param>
/// <param name="Description">What was checked, or why it failed.</param>
public sealed record StoreHealth(bool IsReachable, string Description);
