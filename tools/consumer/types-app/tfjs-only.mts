// tfjs alone under the same compiler options: the errors its own declaration files have without
// skipconn (the consumer test subtracts exactly these from the skipconn projects' errors).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

export const used = [tf, tfl];
