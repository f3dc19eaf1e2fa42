import com.sun.tools.attach.VirtualMachine;

/**
 * Loads a native agent into a running JVM: used by cpu-profile.sh to start and stop
 * async-profiler in the gateway under load without restarting it.
 * Usage: java bench/proxy/Attach.java PID AGENT_PATH OPTIONS
 */
public class Attach {

	public static void main(String[] args) throws Exception {
		VirtualMachine vm = VirtualMachine.attach(args[0]);
		try {
			vm.loadAgentPath(args[1], args[2]);
		}
		finally {
			vm.detach();
		}
	}

}
