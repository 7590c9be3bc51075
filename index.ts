import { DebugNetwork } from "./components/debugNetwork";
import { loadStackConfig } from "./lib/config";

const config = loadStackConfig();

const net = new DebugNetwork("debugnet", { config });

/** The bootnode's enode URL, known before any container starts. */
export const bootnodeEnode = net.bootnodeEnode;
/** Every node: name, container, IP, enode, RPC URL and Delve endpoint. */
export const nodes = net.nodes;
/** The Docker network's name and subnet. */
export const network = net.network;
/** The checkout the client was built from. */
export const sourceDir = net.sourceDir;
/** A VS Code launch.json document; `npm run ide` merges it into the checkout. */
export const vscodeLaunch = net.vscodeLaunch;
/** GoLand "Go Remote" run configurations; `npm run ide` writes them to the checkout's .run/. */
export const golandRunConfigs = net.golandRunConfigs;
