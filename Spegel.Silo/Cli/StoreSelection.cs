using System.Diagnostics.CodeAnalysis;

namespace Spegel.Silo.Cli;

/// <summary>
/// The value of <c>--store</c>: <c>containerd</c>, or <c>oci:PATH</c> for an OCI image layout folder.
/// </summary>
/// <param name="Kind">Which store.</param>
/// <param name="Path">The layout folder for <see cref="StoreKind.OciLayout"/>.</param>
internal sealed record StoreSelection(StoreKind Kind, string? Path)
{
    public const string AcceptedForms = "'containerd' or 'oci:PATH' (an OCI image layout folder)";

    public static bool TryParse(string text, [NotNullWhen(true)] out StoreSelection? selection)
    {
        selection = null;
        if (string.Equals(text, "containerd", StringComparison.OrdinalIgnoreCase))
        {
            selection = new StoreSelection(StoreKind.Containerd, null);
            return true;
        }

        if (text.StartsWith("oci:", StringComparison.OrdinalIgnoreCase) && text.Length > "oci:".Length)
        {
            selection = new StoreSelection(StoreKind.OciLayout, text["oci:".Length..]);
            return true;
        }

        return false;
    }

    public override string ToString() => Kind == StoreKind.Containerd ? "containerd" : $"oci:{Path}";
}
