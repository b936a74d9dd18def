#!/bin/bash
sudo unshare --net ip link
sudo unshare --net ip link > ~/netns-links.txt
