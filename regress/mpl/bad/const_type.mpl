packet p {
    flag: boolean const(3);
    name: string32 const(4);
}
