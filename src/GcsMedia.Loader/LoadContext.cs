using System;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace GcsMedia.Loader
{
    /// <summary>
    /// The module's own AssemblyLoadContext. GcsMedia.Cmdlets and everything it depends on (GcsMedia.Protocol,
    /// Google.Apis.*, Newtonsoft.Json, System.IO.Hashing…) load from the module's bin folder into this context,
    /// so the versions the module ships win over whatever PowerShell or another module already loaded into the
    /// default context. Anything not shipped in the folder (the framework, System.Management.Automation) falls
    /// back to the default context.
    /// </summary>
    public sealed class LoadContext : AssemblyLoadContext
    {
        private const string CmdletAssemblyFile = "GcsMedia.Cmdlets.dll";

        private static readonly object Gate = new object();
        private static LoadContext? _instance;

        private readonly string _folder;
        private readonly AssemblyName _loaderName;

        private LoadContext(string folder)
            : base("GcsMedia", isCollectible: false)
        {
            _folder = folder;
            _loaderName = typeof(LoadContext).Assembly.GetName();
        }

        /// <summary>The folder the module's assemblies load from.</summary>
        public string Folder => _folder;

        /// <summary>
        /// Creates the context once per process and returns the cmdlet assembly loaded into it. Called by
        /// GcsMedia.psm1; calling it again (Import-Module -Force) returns the same assembly.
        /// </summary>
        public static Assembly Initialize()
        {
            lock (Gate)
            {
                if (_instance == null)
                {
                    string folder = Path.GetDirectoryName(typeof(LoadContext).Assembly.Location)
                        ?? throw new InvalidOperationException("Cannot find the folder of GcsMedia.Loader.dll.");
                    _instance = new LoadContext(folder);
                }

                return _instance.LoadFromAssemblyPath(Path.Combine(_instance._folder, CmdletAssemblyFile));
            }
        }

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            // The loader itself stays in the default context (PowerShell loaded it there), and PowerShell's own
            // engine must never be loaded twice.
            if (AssemblyName.ReferenceMatchesDefinition(_loaderName, assemblyName) ||
                string.Equals(assemblyName.Name, "System.Management.Automation", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            string path = Path.Combine(_folder, assemblyName.Name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }

        protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
        {
            string path = Path.Combine(_folder, unmanagedDllName);
            return File.Exists(path) ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
        }
    }
}
