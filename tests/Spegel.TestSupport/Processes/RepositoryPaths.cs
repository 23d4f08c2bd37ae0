namespace Spegel.TestSupport.Processes;

/// <summary>Where the repository and its build outputs are, found from the running test assembly.</summary>
public static class RepositoryPaths
{
    /// <summary>The folder that holds Spegel.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The build configuration the tests were built with (Debug or Release).</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    /// <summary>The built <c>spegel</c> executable assembly, of the same configuration as the tests.</summary>
    public static string SpegelDll => Path.Combine(Root, "Spegel.Silo", "bin", Configuration, "net10.0", "spegel.dll");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Spegel.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Spegel.sln above {AppContext.BaseDirectory}.");
    }
}
